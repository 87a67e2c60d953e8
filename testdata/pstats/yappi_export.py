# Profiles recursive.py's workload with yappi and exports it as a pstat dump
# (yappi's convert2pstats, which puts all calls before primitive calls).
# Run with Debian's python3 and python3-yappi:
#   /usr/bin/python3 yappi_export.py yappi.pstats
import sys

import yappi

import recursive

yappi.set_clock_type("cpu")
yappi.start(builtins=True)
recursive.main()
yappi.stop()
yappi.get_func_stats().save(sys.argv[1], type="pstat")
