"""Turns CSV-like rows into records, defining the namedtuple class per row."""
import collections

import profiled

FIELDS = ["id", "name", "email", "city", "zip", "score", "created", "updated"]


def to_record(row):
    Record = collections.namedtuple("Record", FIELDS)
    return Record(*row)


def main():
    for i in range(400):
        row = [i, "n%d" % i, "u%d@example.com" % i, "c%d" % (i % 9), "%05d" % i, i * 0.5, "2024", "2025"]
        to_record(row)


if __name__ == "__main__":
    profiled.run(main, "records.pstats")
