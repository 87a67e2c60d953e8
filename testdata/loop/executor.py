"""An asyncio service that keeps blocking work off its loop, correctly.

Each request runs checksum() (CPU-heavy) with loop.run_in_executor and a
blocking "legacy client" call (time.sleep) with asyncio.to_thread. The loop
itself only waits. cProfile sees only the thread that enabled it before
Python 3.12, so the executor's work is absent from the 3.11 dump; from 3.12
every thread's calls are mixed into the same profile.

Run: python3 executor.py [out.pstats]
"""
import asyncio
import cProfile
import sys
import time

REQUESTS = 16
CLIENTS = 4


def checksum(data, rounds=3000):
    h = 0
    for _ in range(rounds):
        for b in data:
            h = (h * 31 + b) & 0xFFFFFFFF
    return h


def legacy_lookup(key):
    time.sleep(0.015)  # a blocking client, fine on a worker thread
    return key.upper()


async def handle(reader, writer):
    loop = asyncio.get_running_loop()
    while True:
        line = await reader.readline()
        if not line:
            break
        value = await asyncio.to_thread(legacy_lookup, line.strip())
        digest = await loop.run_in_executor(None, checksum, line)
        writer.write(b"%s %d\n" % (value, digest))
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
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.gather(*(client(port, REQUESTS // CLIENTS) for _ in range(CLIENTS)))
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "executor.pstats"
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(main())
    prof.disable()
    prof.dump_stats(out)
