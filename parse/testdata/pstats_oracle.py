# Prints what Python's own pstats module reads from each dump named on the
# command line, as one JSON object per line, for parse's oracle test:
#
#   {"file": NAME, "total_tt": ..., "functions": [
#     {"key": [file, line, name], "stats": [cc, nc, tt, ct],
#      "callers": [{"key": [...], "value": [nc, cc, tt, ct] or a count}]}]}
#
# Floats are printed with repr, which round-trips exactly. A name that is a
# code object (the profile module's top frame) is printed as its co_name.
# It runs on Python 2.7 and Python 3, so python2.7 is the oracle for
# Python 2 dumps. A dump pstats cannot load prints {"file": NAME, "error": ...}.
import json
import pstats
import sys


def key(func):
    filename, line, name = func
    return [filename, line, getattr(name, "co_name", name)]


def value(v):
    return list(v) if isinstance(v, tuple) else v


for path in sys.argv[1:]:
    try:
        stats = pstats.Stats(path)
    except Exception as e:  # report, do not stop: the test decides
        print(json.dumps({"file": path, "error": "%s: %s" % (type(e).__name__, e)}))
        continue
    functions = []
    for func, (cc, nc, tt, ct, callers) in stats.stats.items():
        functions.append({
            "key": key(func),
            "stats": [cc, nc, tt, ct],
            "callers": [{"key": key(c), "value": value(v)} for c, v in callers.items()],
        })
    print(json.dumps({"file": path, "total_tt": stats.total_tt, "functions": functions}))
