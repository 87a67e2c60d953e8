"""A well-behaved asyncio service: its handlers await I/O and never block.

The server answers each request after awaiting a simulated downstream call
(asyncio.sleep) and a little JSON work; in-process clients pace their
requests. The loop spends most of its time idle in the selector. Everything
runs under cProfile.

Run: python3 healthy.py [out.pstats]
"""
import asyncio
import cProfile
import json
import sys

REQUESTS = 40
CLIENTS = 4


async def lookup(key):
    await asyncio.sleep(0.01)  # a downstream service, awaited properly
    return {"key": key, "tags": ["a", "b", "c"], "score": len(key)}


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        record = await lookup(line.strip().decode())
        writer.write(json.dumps(record).encode() + b"\n")
        await writer.drain()
    writer.close()


async def client(port, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(n):
        writer.write(b"item-%d\n" % i)
        await writer.drain()
        json.loads(await reader.readline())
        await asyncio.sleep(0.02)  # think time between requests
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.gather(*(client(port, REQUESTS // CLIENTS) for _ in range(CLIENTS)))
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "healthy.pstats"
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(main())
    prof.disable()
    prof.dump_stats(out)
