"""An asyncio line server that blocks its own event loop in two ways.

Each request handler calls time.sleep (a "legacy client" that should have
been `await asyncio.sleep`) and checksum(), a CPU-heavy pure-Python function,
straight from the coroutine. At start-up, warm_up() builds an index
synchronously for longer than asyncio's 0.1 s slow-callback threshold.
In-process clients send REQUESTS requests over CLIENTS connections, all under
cProfile.

Run: python3 blocking.py [out.pstats]
"""
import asyncio
import cProfile
import sys
import time

REQUESTS = 24
CLIENTS = 4


def checksum(data, rounds=3000):
    h = 0
    for _ in range(rounds):
        for b in data:
            h = (h * 31 + b) & 0xFFFFFFFF
    return h


def build_index(n=2000000):
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\0\0"
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            for j in range(i * i, n, i):
                sieve[j] = 0
    return [i for i in range(n) if sieve[i]]


async def warm_up():
    return build_index()


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        time.sleep(0.015)  # a blocking client call on the loop
        writer.write(b"%d\n" % checksum(line))
        await writer.drain()
    writer.close()


async def client(port, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(n):
        writer.write(b"request %d from a client\n" % i)
        await writer.drain()
        await reader.readline()
    writer.close()
    await writer.wait_closed()


async def main():
    await warm_up()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.gather(*(client(port, REQUESTS // CLIENTS) for _ in range(CLIENTS)))
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "blocking.pstats"
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(main())
    prof.disable()
    prof.dump_stats(out)
