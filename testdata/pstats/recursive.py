# A small recursive workload for loopdoctor's pstats test data: direct
# recursion (fact, walk), mutual recursion (is_even/is_odd), a generator,
# built-ins and methods. It runs on Python 2.7 and every Python 3.
import sys

sys.setrecursionlimit(5000)


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


def walk(tree, depth=0):
    total = depth
    for child in tree:
        total += walk(child, depth + 1)
    return total


def build(n):
    if n == 0:
        return []
    return [build(n - 1) for _ in range(2)]


def squares(n):
    for i in range(n):
        yield i * i


def main():
    total = 0
    for i in range(300):
        total += fact(i % 40)
        if is_even(i % 60):
            total += 1
    tree = build(8)
    total += walk(tree)
    total += sum(squares(500))
    words = sorted(str(i) for i in range(200))
    total += len(words)
    print(total % 1000003)


if __name__ == "__main__":
    main()
