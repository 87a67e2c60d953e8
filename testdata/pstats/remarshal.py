# Rewrites a cProfile dump with each marshal version 0-4, as
# pstats.Stats.dump_stats would with that version:
#   /usr/bin/python3 remarshal.py recursive-3.11.pstats recursive-v
# writes recursive-v0.pstats ... recursive-v4.pstats.
import marshal
import sys

with open(sys.argv[1], "rb") as f:
    stats = marshal.load(f)
for version in range(5):
    with open("%s%d.pstats" % (sys.argv[2], version), "wb") as f:
        marshal.dump(stats, f, version)
