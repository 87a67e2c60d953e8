"""Round trip of a no-op through a thread pool and a process pool from an
asyncio loop: what handing one call off costs (see README.md).

Run: python3 handoff.py
"""
import asyncio
import concurrent.futures
import time


def noop(x):
    return x


async def main():
    loop = asyncio.get_running_loop()
    n = 2000
    t = time.perf_counter()
    for i in range(n):
        await loop.run_in_executor(None, noop, i)
    thread = (time.perf_counter() - t) / n
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        await loop.run_in_executor(pool, noop, 0)  # start the workers
        n = 500
        t = time.perf_counter()
        for i in range(n):
            await loop.run_in_executor(pool, noop, i)
        process = (time.perf_counter() - t) / n
    print(f"thread hop {thread * 1e6:.0f} us, process pool round trip {process * 1e6:.0f} us")


if __name__ == "__main__":
    asyncio.run(main())
