# Merges dumps with pstats.Stats.add and writes the result, the way users
# combine runs:
#   python3 merge.py OUT IN...
import pstats
import sys

stats = pstats.Stats(sys.argv[2])
for name in sys.argv[3:]:
    stats.add(name)
stats.dump_stats(sys.argv[1])
