"""Shared harness for the setup test programs: run main() under cProfile."""
import cProfile
import sys


def run(main, default_out):
    out = sys.argv[1] if len(sys.argv) > 1 else default_out
    prof = cProfile.Profile()
    prof.enable()
    main()
    prof.disable()
    prof.dump_stats(out)
