"""blocking.py's server profiled with the pure-Python profile module.

The profile module records only call counts per caller (edge times are
shared out by the reader), spells C functions ("", 0, "run") and, by
default, times with time.process_time: CPU time, so the handlers'
time.sleep costs next to nothing here.

Run from this directory: PYTHONPATH=.. /usr/bin/python3 profile_app.py blocking.pstats

The dump sits one directory down, like ../yappi/, because the profile
module's shared-out edge times break invariants that tests check on every
cProfile dump in testdata/*/*.pstats.
"""
import asyncio
import profile
import sys

import blocking

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "blocking.pstats"
    prof = profile.Profile()
    prof.runcall(asyncio.run, blocking.main())
    prof.dump_stats(out)
