"""Makes windows.pstats: runs app.py under cProfile, then rewrites every
path in the dump to where a Windows install of the same Python and
packages records it, so the dump reads as one made on Windows.

No Windows machine was at hand, and the pstats format does not depend on
the platform: only the file names in the keys do. A Windows CPython keeps
its standard library in <prefix>\\Lib (here a scoop install, whose prefix
is not named after Python), installed packages in <prefix>\\Lib\\site-packages
and the user's files wherever they are, with backslashes and a drive letter.
Run from a neutral directory with Debian's Python 3.11 and python3-yaml:

    cd /srv/app && /usr/bin/python3 /path/to/testdata/windows/windows.py /path/to/testdata/windows/windows.pstats
"""

import cProfile
import marshal
import os
import runpy
import shutil
import sys
import sysconfig

HERE = os.path.dirname(os.path.abspath(__file__))

PREFIX = "C:\\Users\\dev\\scoop\\apps\\python\\current\\Lib\\"
USER = "D:\\projects\\orders-service\\app\\"


def windows_path(path):
    stdlib = sysconfig.get_paths()["stdlib"] + "/"
    for posix, win in (
        ("/usr/lib/python3/dist-packages/", PREFIX + "site-packages\\"),
        (stdlib, PREFIX),
        (os.getcwd() + "/", USER),
    ):
        if path.startswith(posix):
            return win + path[len(posix):].replace("/", "\\")
    return path


def key(k):
    file, line, name = k
    return (windows_path(file), line, name)


def main(out):
    # Run a copy from the working directory so the user's file lies under
    # it, as a Windows user's project does under theirs.
    shutil.copy(os.path.join(HERE, "app.py"), "app.py")
    prof = cProfile.Profile()
    prof.runcall(runpy.run_path, os.path.abspath("app.py"), run_name="__main__")
    prof.create_stats()
    stats = {}
    for k, (cc, nc, tt, ct, callers) in prof.stats.items():
        stats[key(k)] = (cc, nc, tt, ct, {key(c): v for c, v in callers.items()})
    with open(out, "wb") as f:
        marshal.dump(stats, f)


if __name__ == "__main__":
    main(sys.argv[1])
