"""Profile functions whose names and file names carry terminal escapes.

A dump attached to a bug report can name its functions anything: cProfile
records a code object's co_name and co_filename as they are. This program
runs real functions renamed with the characters a hostile dump would use
(ESC sequences that retitle or clear the terminal, BEL, NUL, BS, DEL, CR,
LF and the right-to-left override U+202E) and dumps the profile.

Usage: python3 hostile.py OUT.pstats
"""
import cProfile
import sys

# name -> file name recorded for it; every name is distinct.
HOSTILE = {
    "set_title\x1b]0;pwned\x07": "/srv/app/esc.py",
    "clear\x1b[2J\x1b[H": "/srv/app/clear\x1b[31m.py",
    "nul\x00bs\x08del\x7f": "/srv/app/nul.py",
    "cr\rforged": "/srv/app/cr.py",
    "lf\n  9.99 s  99%  fake_row": "/srv/app/lf\n.py",
    "evil\u202egnp.exe": "/srv/app/rlo\u202e.py",
}


def work(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def renamed(name, filename):
    """Return a copy of work whose code object carries name and filename."""
    code = compile("def f(n):\n    return work(n)\n", filename, "exec")
    fn_code = next(c for c in code.co_consts if hasattr(c, "co_name"))
    fn_code = fn_code.replace(co_name=name, co_qualname=name)
    return type(work)(fn_code, {"work": work}, name)


def main():
    funcs = [renamed(name, filename) for name, filename in HOSTILE.items()]
    prof = cProfile.Profile()
    prof.enable()
    for i, f in enumerate(funcs):
        for _ in range(3):
            f(20000 * (i + 1))
    prof.disable()
    prof.dump_stats(sys.argv[1])


if __name__ == "__main__":
    main()
