# Merges Python 2 dumps the way Python 2.5's pstats.Stats.add did: its
# add_callers concatenated the (nc, cc, tt, ct) tuples of a caller present in
# both dumps instead of summing them, so merged dumps of that era hold 8- and
# 12-tuples. Python 2.5 is not available here; this reproduces its add on
# real Python 2.7 dumps, and writes with marshal version 2 like 2.5 did:
#   python2.7 merge_py25.py OUT IN...
import marshal
import sys


def add_func_stats(target, source):
    # Lib/pstats.py of Python 2.5
    cc, nc, tt, ct, callers = source
    t_cc, t_nc, t_tt, t_ct, t_callers = target
    return (cc + t_cc, nc + t_nc, tt + t_tt, ct + t_ct,
            add_callers(t_callers, callers))


def add_callers(target, source):
    # Lib/pstats.py of Python 2.5: "caller + new_callers[func]"
    new_callers = {}
    for func, caller in target.iteritems():
        new_callers[func] = caller
    for func, caller in source.iteritems():
        if func in new_callers:
            new_callers[func] = caller + new_callers[func]
        else:
            new_callers[func] = caller
    return new_callers


stats = {}
for name in sys.argv[2:]:
    f = open(name, "rb")
    other = marshal.load(f)
    f.close()
    for func, stat in other.iteritems():
        if func in stats:
            stats[func] = add_func_stats(stats[func], stat)
        else:
            stats[func] = stat
f = open(sys.argv[1], "wb")
marshal.dump(stats, f, 2)
f.close()
