"""A regex URL router with more routes than re's cache holds.

route() tries every pattern string with re.match to collect the views that
accept a path (handlers, then middleware). Python 3.11 caches 512 compiled
patterns and evicts the oldest first, so cycling through 600 patterns misses
the cache on every call and recompiles every pattern.
"""
import re

import profiled

ROUTES = [(r"^/api/v1/res%03d/(?P<id>[0-9]+)" % i, "view%d" % i) for i in range(590)]
ROUTES += [(r"^/api/v1/.*/(?P<id>[0-9]+)$", "audit%d" % i) for i in range(10)]


def route(path):
    views = []
    for pattern, view in ROUTES:
        m = re.match(pattern, path)
        if m:
            views.append((view, m.groupdict()))
    return views


def main():
    for i in range(8):
        n = (i * 37) % 590
        views = route("/api/v1/res%03d/%d" % (n, i))
        assert views[0][0] == "view%d" % n, views


if __name__ == "__main__":
    profiled.run(main, "rerouter.pstats")
