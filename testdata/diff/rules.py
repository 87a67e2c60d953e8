"""Evaluate JSONPath rules over a stream of events, before and after a fix.

"before" calls jsonpath_rw.parse(expr) for every event, and Debian's
python3-jsonpath-rw rebuilds ply's LALR table inside every parse(): the
repeated setup loopdoctor finds. "after" parses each expression once and
reuses it. Both run the same events under cProfile, so the two dumps show
what the fix changed.

Run: /usr/bin/python3 rules.py before|after out.pstats
"""
import cProfile
import sys

import jsonpath_rw

EVENTS = 30
RULES = ["$.pull_request.head.sha", "$.repository.full_name", "$.labels[*].name"]

if sys.argv[1] == "before":
    def get_values(doc, expr):
        return [m.value for m in jsonpath_rw.parse(expr).find(doc)]
else:
    _parsed = {}

    def get_values(doc, expr):
        path = _parsed.get(expr)
        if path is None:
            path = _parsed[expr] = jsonpath_rw.parse(expr)
        return [m.value for m in path.find(doc)]


def make_event(i):
    return {
        "pull_request": {"head": {"sha": "%040x" % i}},
        "repository": {"full_name": "org/repo%d" % (i % 7)},
        "labels": [{"name": "automerge"}, {"name": "size/%d" % (i % 3)}],
    }


def main():
    out = []
    for i in range(EVENTS):
        event = make_event(i)
        out.append({expr: get_values(event, expr) for expr in RULES})
    return out


if __name__ == "__main__":
    prof = cProfile.Profile()
    prof.enable()
    main()
    prof.disable()
    prof.dump_stats(sys.argv[2])
