"""Deep-copies the whole service configuration for every request."""
import copy

import profiled

CONFIG = {
    "services": {
        "svc%d" % i: {"host": "10.0.0.%d" % i, "port": 8000 + i, "retries": [1, 2, 4, 8],
                      "headers": {"x-a": "a", "x-b": "b"}, "limits": {"rps": 100, "burst": [10, 20]}}
        for i in range(40)
    },
    "features": ["f%d" % i for i in range(50)],
}


def handle(request):
    cfg = copy.deepcopy(CONFIG)
    svc = cfg["services"]["svc%d" % (request % 40)]
    svc["port"] += 1
    return svc["host"], svc["port"]


def main():
    for i in range(200):
        handle(i)


if __name__ == "__main__":
    profiled.run(main, "config_copy.pstats")
