"""An asyncio handler that does blocking network I/O on its loop.

Each request handler fetches a value from an HTTP backend with
urllib.request.urlopen (synchronous) and resolves a host name with
socket.getaddrinfo, instead of using an async client. The backend is
http.server on a thread of its own, so the loop waits on real sockets.
In-process asyncio clients send the requests. Everything on the loop's
thread runs under cProfile (3.11 does not profile the backend's thread).

Run: /usr/bin/python3 blocking_io.py [out.pstats]
"""
import asyncio
import cProfile
import http.server
import socket
import sys
import threading
import time
import urllib.request

REQUESTS = 12
CLIENTS = 3


class Backend(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(0.01)  # the backend's own latency
        body = b"42"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def fetch_score(url):
    with urllib.request.urlopen(url) as resp:
        return int(resp.read())


async def handle(reader, writer, backend):
    while True:
        line = await reader.readline()
        if not line:
            break
        socket.getaddrinfo("localhost", 80)
        score = fetch_score(backend)  # blocks the loop while the backend answers
        writer.write(b"%d\n" % score)
        await writer.drain()
    writer.close()


async def client(port, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(n):
        writer.write(b"request %d\n" % i)
        await writer.drain()
        await reader.readline()
    writer.close()
    await writer.wait_closed()


async def main(backend):
    server = await asyncio.start_server(lambda r, w: handle(r, w, backend), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.gather(*(client(port, REQUESTS // CLIENTS) for _ in range(CLIENTS)))
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "blocking_io.pstats"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    backend = "http://127.0.0.1:%d/score" % httpd.server_address[1]
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(main(backend))
    prof.disable()
    prof.dump_stats(out)
    httpd.shutdown()
