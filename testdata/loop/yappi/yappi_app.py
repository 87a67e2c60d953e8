"""blocking.py's server profiled with yappi instead of cProfile.

yappi (coroutine-aware, wall clock) counts a coroutine once per call and
times it across its awaits, and it names methods by class
(_UnixSelectorEventLoop._run_once); its tasks' coroutines have no callers.
The dump is yappi's pstats export.

Run from this directory: apt-get install -y python3-yappi;
PYTHONPATH=.. /usr/bin/python3 yappi_app.py blocking.pstats   (yappi 1.4.0)

The dump sits one directory down so that tests globbing testdata/*/*.pstats
for cProfile's invariants (a root whose children sum to the total of own
times) skip it: yappi's own times of coroutines include the time they were
suspended, so they overlap and add up to more than the run took.
"""
import asyncio
import sys

import yappi

import blocking

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "blocking.pstats"
    yappi.set_clock_type("wall")
    yappi.start(builtins=True)
    asyncio.run(blocking.main())
    yappi.stop()
    yappi.get_func_stats().save(out, type="pstat")
