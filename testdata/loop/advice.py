"""An asyncio line server whose handlers block the loop in ways that need
different fixes, on a loop that is otherwise idle.

- "tls NAME" (the first request of each client): make_context() creates an
  ssl.SSLContext, which parses the system's certificate bundle each time
  (CPU work in C, no waiting): build it once.
- "login PASSWORD": check_password() derives a key with
  hashlib.pbkdf2_hmac, CPU work in C that releases the GIL: a thread frees
  the loop.
- "convert VALUE SRC DST": convert() builds the same table of conversion
  factors between 40 units from constant data on every call, then uses one
  entry: build it once. No catalog names this.
- "tag TEXT": tag() calls normalize() once per word, a few microseconds
  each: far less than handing a call to a thread or a process would cost.

In-process clients pace their requests with asyncio.sleep, so the loop is
idle most of the time. Everything runs under cProfile.

Run: python3 advice.py [out.pstats]
"""
import asyncio
import cProfile
import hashlib
import random
import ssl
import sys

UNITS = {f"u{i}": 1.0 + i * 0.37 for i in range(40)}
WORDS = ["Timeout", "REFUSED", "reset", "Denied", "expired", "missing", "invalid", "throttled"]
CLIENTS = 4
REQUESTS = 90  # per client


def make_context():
    return ssl.create_default_context()


def factor_table():
    table = {}
    for a, fa in UNITS.items():
        for b, fb in UNITS.items():
            table[a, b] = fa / fb
    return table


def convert(value, src, dst):
    return value * factor_table()[src, dst]


def check_password(password):
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), b"per-user salt", 5000)
    return key[:4].hex()


def normalize(word):
    return word.strip(".,;").lower()


def tag(text):
    return sorted({normalize(w) for w in text.split()})


def answer(line):
    kind, _, rest = line.partition(" ")
    if kind == "tls":
        ctx = make_context()
        return f"{rest} {ctx.verify_mode}"
    if kind == "login":
        return check_password(rest)
    if kind == "convert":
        value, src, dst = rest.split()
        return f"{convert(float(value), src, dst):.3f}"
    return " ".join(tag(rest))


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(answer(line.decode().strip()).encode() + b"\n")
        await writer.drain()
    writer.close()


def request_lines(seed):
    """The requests one client sends, made before profiling starts."""
    rng = random.Random(seed)
    lines = []
    for i in range(REQUESTS):
        r = i % 6
        if i == 0:
            line = f"tls host{rng.randint(1, 99)}.example"
        elif r == 0:
            line = f"login pw{rng.randint(1000, 9999)}"
        elif r in (1, 2):
            line = f"convert {rng.uniform(1, 100):.2f} u{rng.randrange(40)} u{rng.randrange(40)}"
        else:
            line = "tag " + " ".join(rng.choice(WORDS) + rng.choice([".", ",", ""]) for _ in range(rng.randint(150, 300)))
        lines.append(line.encode() + b"\n")
    return lines


async def client(port, lines):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for line in lines:
        writer.write(line)
        await writer.drain()
        await reader.readline()
        await asyncio.sleep(0.02)  # think time: the loop idles
    writer.close()
    await writer.wait_closed()


async def main(requests):
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.gather(*(client(port, lines) for lines in requests))
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "advice.pstats"
    requests = [request_lines(seed) for seed in range(CLIENTS)]
    prof = cProfile.Profile()
    prof.enable()
    asyncio.run(main(requests))
    prof.disable()
    prof.dump_stats(out)
