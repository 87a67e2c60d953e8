# Profiles recursive.py with the profile module given a code object, as
# "python3 -m profile" does; on Python 2, whose "-m profile" passes a string,
# this is the only way to get a code object into a dump:
#   python2.7 profile_code.py profile-code-2.7.pstats
import profile
import sys

with open("recursive.py") as f:
    code = compile(f.read(), "recursive.py", "exec")
prof = profile.Profile()
prof.runctx(code, {"__name__": "__main__"}, None)
prof.dump_stats(sys.argv[1])
