"""A status poller that calls requests.get() for every check.

requests.get() creates a new Session for each call: two HTTPAdapters, each
with its own urllib3 PoolManager, and a new TCP connection that is closed
again after one request. The server (http.server on 127.0.0.1, in a thread
cProfile does not see) answers each path with a small JSON document; only
the path differs from call to call.
"""
import http.server
import json
import random
import threading

import requests


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # headers and body in one segment: no wait for a delayed ACK

    def do_GET(self):
        body = json.dumps({"path": self.path, "ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def check(base, service):
    return requests.get("%s/status/%s" % (base, service), timeout=5).json()["ok"]


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % server.server_address[1]
    rng = random.Random(13)
    services = ["api", "web", "worker", "db", "cache", "queue", "search", "mail"]
    ok = sum(check(base, rng.choice(services)) for _ in range(400))
    server.shutdown()
    print(ok, "checks passed")


if __name__ == "__main__":
    main()
