"""A small asyncio service whose handler re-reads its YAML settings on
every request: the program behind windows.pstats (see README.md)."""

import asyncio
import json
import re

import yaml

SETTINGS = """
routes:
  - {path: /orders, fields: [id, total, customer]}
  - {path: /users, fields: [id, name, email]}
limits: {rate: 100, burst: 20}
"""

ROUTE = re.compile(r"^/(\w+)$")


def load_settings():
    return yaml.safe_load(SETTINGS)


def render(path, body):
    settings = load_settings()
    route = next(r for r in settings["routes"] if r["path"] == path)
    record = json.loads(body)
    return json.dumps({k: record.get(k) for k in route["fields"]})


async def handle(path, body):
    if not ROUTE.match(path):
        return "{}"
    await asyncio.sleep(0)
    return render(path, body)


async def main():
    body = json.dumps({"id": 7, "total": 12.5, "customer": "c-1", "name": "n", "email": "e"})
    for _ in range(40):
        await asyncio.gather(handle("/orders", body), handle("/users", body))


if __name__ == "__main__":
    asyncio.run(main())
