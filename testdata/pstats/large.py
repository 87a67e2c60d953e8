# A large real dump: imports (nearly) the whole standard library, then runs
# a slice of CPython's own test suite, all under cProfile, so that tens of
# thousands of distinct functions get called. Run with pyenv's Python 3.11:
#   python3.11 large.py large.pstats
import cProfile
import io
import sys
import unittest
import warnings

# Modules that start GUIs, print easter eggs, or take over the process.
SKIP = {"antigravity", "this", "idlelib", "turtledemo", "tkinter", "turtle", "__main__", "pydoc_data"}

TESTS = [
    "test.test_email", "test.test_argparse", "test.test_collections", "test.test_datetime",
    "test.test_decimal", "test.test_json", "test.test_re", "test.test_statistics",
    "test.test_enum", "test.test_typing", "test.test_dataclasses", "test.test_pathlib",
    "test.test_configparser", "test.test_textwrap", "test.test_fractions", "test.test_ipaddress",
    "test.test_tomllib", "test.test_difflib", "test.test_string", "test.test_csv",
    "test.test_functools", "test.test_itertools", "test.test_inspect", "test.test_ast",
]


def import_all():
    names = sorted(sys.stdlib_module_names)
    for name in names:
        if name in SKIP or name.startswith("_"):
            continue
        try:
            __import__(name)
        except BaseException:
            pass


def run_tests():
    for name in TESTS:
        try:
            suite = unittest.defaultTestLoader.loadTestsFromName(name)
            unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
        except BaseException:
            pass


def main():
    import_all()
    run_tests()


warnings.simplefilter("ignore")
profiler = cProfile.Profile()
profiler.runcall(main)
profiler.dump_stats(sys.argv[1])
