"""blocking.py's server on uvloop, whose loop is written in C.

uvloop runs callbacks and the selector wait inside Cython code that cProfile
cannot see: there is no base_events._run_once, no events.Handle._run and no
selector frame, so busy and idle time cannot be told apart.

Run: apt-get install -y python3-uvloop; /usr/bin/python3 uvloop_app.py [out.pstats]
"""
import asyncio
import cProfile
import sys
import time

import uvloop

REQUESTS = 12
CLIENTS = 4


def checksum(data, rounds=3000):
    h = 0
    for _ in range(rounds):
        for b in data:
            h = (h * 31 + b) & 0xFFFFFFFF
    return h


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
        await asyncio.sleep(0.01)
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.gather(*(client(port, REQUESTS // CLIENTS) for _ in range(CLIENTS)))
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "uvloop.pstats"
    prof = cProfile.Profile()
    prof.enable()
    uvloop.install()
    asyncio.run(main())
    prof.disable()
    prof.dump_stats(out)
