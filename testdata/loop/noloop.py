"""A plain synchronous program: no event loop anywhere in its profile.

It parses and summarises some JSON records and checksums them, the kind of
batch script loopdoctor should analyse without inventing a loop section.

Run: python3 noloop.py [out.pstats]
"""
import cProfile
import json
import sys


def checksum(data):
    h = 0
    for b in data:
        h = (h * 31 + b) & 0xFFFFFFFF
    return h


def summarise(records):
    by_tag = {}
    for r in records:
        for t in r["tags"]:
            by_tag[t] = by_tag.get(t, 0) + r["score"]
    return by_tag


def main():
    lines = [json.dumps({"id": i, "tags": ["t%d" % (i % 7), "all"], "score": i % 13}) for i in range(20000)]
    records = [json.loads(s) for s in lines]
    total = sum(checksum(s.encode()) for s in lines)
    return summarise(records), total


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "noloop.pstats"
    prof = cProfile.Profile()
    prof.enable()
    main()
    prof.disable()
    prof.dump_stats(out)
