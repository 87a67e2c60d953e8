"""Expected loop figures for loopdoctor's tests, computed with Python's pstats.

Usage: python3 oracle.py DUMP [FUNC...]
       python3 oracle.py < {"DUMP": [FUNC, ...], ...}

Prints one JSON object per dump (for the second form, an object of them
keyed by dump, so a test pays for one Python start): the loop's wall, idle and busy seconds and its steps,
by the simple sums the event-loop report documents (asyncio: _run_once's
cumulative time, its calls of select, Handle._run's calls; trio:
unrolled_run and get_events; uvloop: the time under its run methods), and
for each FUNC ("path/suffix.py:name", "path/suffix.py:LINE:name" where a
file holds two functions of that name, or "~:<built-in method time.sleep>")
its calls and time summed over every caller, with the bounds those caller
records prove for its worst single call. Frames are matched by path suffix
and name, never by line, and nothing here shares code with loopdoctor.
"""
import json
import pstats
import sys


def named(key, name):
    """yappi puts the class before a method's name: Handle._run."""
    return key[2] == name or key[0] not in ("~", "__builtin__") and key[2].endswith("." + name)


def matches(key, spec):
    suffix, _, name = spec.rpartition(":")
    head, _, line = suffix.rpartition(":")
    if line.isdigit():
        if key[1] != int(line):
            return False
        suffix = head
    fn = key[0].replace("\\", "/")
    return named(key, name) and (fn == suffix if suffix == "~" else fn.endswith("/" + suffix) or fn == suffix)


def keys(stats, spec):
    return [k for k in stats if matches(k, spec)]


def edges(stats):
    """Each function's callers as (nc, cc, tt, ct) tuples. The profile
    module records only a call count per caller; give that caller its share
    of the function's times, as gprof2dot does."""
    out = {}
    for k, (cc, nc, tt, ct, callers) in stats.items():
        out[k] = {c: v if isinstance(v, tuple) else (v, v, v / nc * tt, v / nc * ct) for c, v in callers.items()}
    return out


def figures(dump, specs):
    stats = pstats.Stats(dump).stats
    callers = edges(stats)
    out = {"funcs": {}}
    run_once = keys(stats, "asyncio/base_events.py:_run_once")
    unrolled = keys(stats, "trio/_core/_run.py:unrolled_run")
    uvloop = [k for k in stats if k[0] == "~" and "of 'uvloop.loop.Loop' objects>" in k[2]
              and k[2].split("'")[1] in ("run_until_complete", "run_forever")]
    if run_once:
        out["runtime"] = "asyncio"
        out["wall"] = sum(stats[k][3] for k in run_once)
        out["idle"] = sum(v[3] for k in stats if named(k, "select") and k[1] != 0
                          for c, v in callers[k].items() if c in run_once)
        out["steps"] = sum(stats[k][1] for k in keys(stats, "asyncio/events.py:_run"))
    elif unrolled:
        out["runtime"] = "trio"
        waits = [k for k in stats if named(k, "get_events") and "/trio/_core/_io_" in k[0].replace("\\", "/")]
        out["idle"] = sum(stats[k][3] for k in waits)
        inside = sum(v[3] for k in waits for c, v in callers[k].items() if c in unrolled)
        out["wall"] = sum(stats[k][3] for k in unrolled) - inside + out["idle"]
        out["steps"] = sum(v[0] for k in stats if k[0] == "~" and k[2].startswith("<method 'run' of ")
                           and k[2].endswith("Context' objects>") for c, v in callers[k].items() if c in unrolled)
    elif uvloop:
        out["runtime"] = "uvloop"
        out["wall"] = sum(stats[k][3] for k in uvloop)
        under = [v for k in stats for c, v in callers[k].items() if c in uvloop]
        out["idle"] = out["wall"] - sum(v[3] for v in under)
        out["steps"] = sum(v[0] for v in under)
    else:
        out["runtime"] = None
    if out["runtime"]:
        out["busy"] = out["wall"] - out["idle"]
    for spec in specs:
        into = [v for k in keys(stats, spec) for v in callers[k].values()]
        out["funcs"][spec] = {
            "calls": sum(v[0] for v in into),
            "cost": sum(v[3] for v in into),
            "worst_min": max(v[3] / (v[1] or v[0]) for v in into),
            "worst_max": max(v[3] for v in into),
        }
    return out


def main():
    if len(sys.argv) > 1:
        out = figures(sys.argv[1], sys.argv[2:])
    else:
        out = {dump: figures(dump, specs) for dump, specs in json.load(sys.stdin).items()}
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
