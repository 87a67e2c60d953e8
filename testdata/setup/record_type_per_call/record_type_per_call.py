"""Turns CSV-like tuples into records, defining the record type inside the converter."""
import collections
import random


def as_record(values):
    # The type is the same on every call, yet namedtuple builds and execs it again.
    Sample = collections.namedtuple("Sample", "sensor when reading unit quality")
    return Sample(*values)


def main():
    rng = random.Random(3)
    total = 0.0
    for i in range(2500):
        rec = as_record((f"s{i % 7}", i, rng.uniform(0, 50), "C", rng.choice("abc")))
        total += rec.reading
    print(round(total, 3))


main()
