"""blocking.py's service as a Tornado web application.

Tornado 5 and later runs on asyncio's event loop, so the dump holds asyncio's
own frames with Tornado's between them and the handler. The handler calls
time.sleep and checksum() synchronously; an in-process AsyncHTTPClient sends
the requests. Everything runs under cProfile.

Run: apt-get install -y python3-tornado; /usr/bin/python3 tornado_app.py [out.pstats]
"""
import asyncio
import cProfile
import sys
import time

import tornado.httpclient
import tornado.web

REQUESTS = 12


def checksum(data, rounds=3000):
    h = 0
    for _ in range(rounds):
        for b in data:
            h = (h * 31 + b) & 0xFFFFFFFF
    return h


class Handler(tornado.web.RequestHandler):
    def post(self):
        time.sleep(0.015)  # a blocking client call on the loop
        self.write(b"%d\n" % checksum(self.request.body))


async def main():
    app = tornado.web.Application([(r"/hook", Handler)])
    server = app.listen(0, address="127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    client = tornado.httpclient.AsyncHTTPClient()
    for i in range(REQUESTS):
        await client.fetch("http://127.0.0.1:%d/hook" % port, method="POST", body=b"request %d" % i)
    server.stop()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "tornado.pstats"
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(main())
    prof.disable()
    prof.dump_stats(out)
