"""blocking.py's server written for trio instead of asyncio.

Each handler calls time.sleep and checksum() synchronously, blocking trio's
run loop the same way; trio's own frames (unrolled_run, the epoll wait in
get_events) take the place of asyncio's.

Run: python3 trio_app.py [out.pstats]   (needs trio; the dump used trio 0.22.2)
"""
import cProfile
import functools
import sys
import time

import trio

REQUESTS = 12
CLIENTS = 4


def checksum(data, rounds=3000):
    h = 0
    for _ in range(rounds):
        for b in data:
            h = (h * 31 + b) & 0xFFFFFFFF
    return h


async def handle(stream):
    async with stream:
        buf = b""
        while True:
            data = await stream.receive_some()
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                time.sleep(0.015)  # a blocking client call on the loop
                await stream.send_all(b"%d\n" % checksum(line))


async def client(port, n):
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    async with stream:
        for i in range(n):
            await stream.send_all(b"request %d from a client\n" % i)
            await stream.receive_some()
            await trio.sleep(0.01)


async def main():
    async with trio.open_nursery() as servers:
        listeners = await servers.start(functools.partial(trio.serve_tcp, handle, 0, host="127.0.0.1"))
        port = listeners[0].socket.getsockname()[1]
        async with trio.open_nursery() as clients:
            for _ in range(CLIENTS):
                clients.start_soon(client, port, REQUESTS // CLIENTS)
        servers.cancel_scope.cancel()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "trio.pstats"
    prof = cProfile.Profile()
    prof.enable()
    trio.run(main)
    prof.disable()
    prof.dump_stats(out)
