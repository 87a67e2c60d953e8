"""Formats 5,000 phone numbers; dial_code() rebuilds its country table each time.

The table is a dict comprehension over a constant list of 160 countries,
and dial_code() reads one entry of it: the same dictionary, built on every
call, 0.1 ms at a time. A correct report names the comprehension, called
from dial_code.
"""
import random

COUNTRIES = [("C%03d" % i, "country %d" % i, 1 + (i * 7) % 997) for i in range(160)]


def dial_code(code):
    table = {c: (name.title(), prefix) for c, name, prefix in COUNTRIES}
    return table[code][1]


def main():
    rng = random.Random(61)
    numbers = []
    for _ in range(5000):
        code = rng.choice(COUNTRIES)[0]
        numbers.append("+%d %07d" % (dial_code(code), rng.randrange(10 ** 7)))
    print(len(numbers), "numbers")


if __name__ == "__main__":
    main()
