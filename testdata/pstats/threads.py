# Threads under cProfile. Since Python 3.12 cProfile hooks sys.monitoring,
# which reports every thread's calls to the one profiler, so calls that
# overlap in time look like recursion: primitive calls fall far below calls
# for functions that never recurse (gh-116738). Made with:
#   python3.12 -m cProfile -o threads-3.12.pstats threads.py
import threading
import time


def step(i):
    time.sleep(0.0005)
    return i * i


def work(n):
    total = 0
    for i in range(n):
        total += step(i)
    return total


def main():
    threads = [threading.Thread(target=work, args=(200,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
