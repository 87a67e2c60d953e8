"""The webhook pattern on aiohttp: a JSON endpoint whose handler blocks.

The handler awaits the request body, then calls time.sleep and checksum()
synchronously; an aiohttp ClientSession in the same process posts the
requests. aiohttp's own coroutines wait on futures from loop.create_future,
which is how loopdoctor tells them from synchronous code.

Run: apt-get install -y python3-aiohttp; /usr/bin/python3 aiohttp_app.py [out.pstats]
"""
import asyncio
import cProfile
import sys
import time

import aiohttp
from aiohttp import web

REQUESTS = 16
CLIENTS = 4


def checksum(data, rounds=3000):
    h = 0
    for _ in range(rounds):
        for b in data:
            h = (h * 31 + b) & 0xFFFFFFFF
    return h


async def hook(request):
    event = await request.json()
    time.sleep(0.015)  # a blocking client call on the loop
    return web.json_response({"id": event["id"], "sum": checksum(repr(event).encode())})


async def client(session, url, n, seed):
    for i in range(n):
        async with session.post(url, json={"id": seed * 100 + i, "labels": ["bug", "automerge"]}) as resp:
            await resp.json()


async def main():
    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    async with aiohttp.ClientSession() as session:
        url = "http://127.0.0.1:%d/hook" % port
        await asyncio.gather(*(client(session, url, REQUESTS // CLIENTS, s) for s in range(CLIENTS)))
    await runner.cleanup()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "aiohttp.pstats"
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(main())
    prof.disable()
    prof.dump_stats(out)
