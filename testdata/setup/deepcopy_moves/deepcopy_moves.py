"""Tries 1,000 candidate moves, each on a deep copy of a different board.

Every board is generated fresh with its own size and pieces, so each
deepcopy copies a different structure. A correct report has no
repeated-setup finding.
"""
import copy
import random


def board(rng):
    size = rng.randint(5, 12)
    return {"size": size,
            "cells": [[rng.choice([None, "x", "o"]) for _ in range(size)] for _ in range(size)],
            "pieces": {("p%d" % i): [rng.randint(0, size - 1), rng.randint(0, size - 1)] for i in range(rng.randint(1, 9))},
            "history": [(rng.randint(0, size), rng.randint(0, size)) for _ in range(rng.randint(0, 30))]}


def score(b):
    total = 0
    for row in b["cells"]:
        total += row.count("x") - row.count("o")
    return total


def try_move(b, rng):
    trial = copy.deepcopy(b)
    x, y = rng.randrange(trial["size"]), rng.randrange(trial["size"])
    trial["cells"][y][x] = "x"
    return score(trial)


def main():
    rng = random.Random(41)
    best = 0
    for _ in range(1000):
        best = max(best, try_move(board(rng), rng))
    print("best", best)


if __name__ == "__main__":
    main()
