"""A small asyncio webhook server that evaluates JSONPath rules per request.

Each POST carries a JSON event; the handler extracts fields with JSONPath
expressions. get_values calls jsonpath_rw.parse(expr) on every request, and
Debian's python3-jsonpath-rw rebuilds the ply LALR table inside every parse():
the repeated setup loopdoctor exists to find. An in-process client sends
REQUESTS requests over CLIENTS keep-alive connections, all under cProfile.

Run: /usr/bin/python3 webhook.py [out.pstats]
"""
import asyncio
import cProfile
import json
import sys

import jsonpath_rw

REQUESTS = 120
CLIENTS = 4
RULES = ["$.pull_request.head.sha", "$.repository.full_name", "$.labels[*].name"]


def get_values(doc, expr):
    return [m.value for m in jsonpath_rw.parse(expr).find(doc)]


async def read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return await reader.readexactly(length)


async def handle(reader, writer):
    try:
        while True:
            body = await read_request(reader)
            event = json.loads(body)
            result = {expr: get_values(event, expr) for expr in event["rules"]}
            out = json.dumps(result).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(out), out))
            await writer.drain()
    except asyncio.IncompleteReadError:
        pass
    finally:
        writer.close()


async def client(port, n, seed):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(n):
        event = {
            "rules": [RULES[(seed + i) % len(RULES)]],
            "pull_request": {"head": {"sha": "%040x" % (seed * 1000 + i)}},
            "repository": {"full_name": "acme/widgets"},
            "labels": [{"name": "automerge"}, {"name": "bug"}],
        }
        body = json.dumps(event).encode()
        writer.write(b"POST /hook HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        await read_request(reader)
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    per = REQUESTS // CLIENTS
    await asyncio.gather(*(client(port, per, s) for s in range(CLIENTS)))
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "webhook.pstats"
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(main())
    prof.disable()
    prof.dump_stats(out)
