"""Negative control: deep recursion over inputs of varying shape.

Random trees of different sizes and depths (down to ~600 levels) are built,
summed and flattened recursively per request.
"""
import random
import sys

import profiled


def grow(rng, depth):
    if depth == 0 or rng.random() < 0.05:
        return rng.randint(0, 9)
    if rng.random() < 0.8:
        return [grow(rng, depth - 1)]
    return [grow(rng, depth - 1), grow(rng, depth // 2)]


def total(tree):
    if isinstance(tree, int):
        return tree
    return sum(total(t) for t in tree)


def flatten(tree, out):
    if isinstance(tree, int):
        out.append(tree)
    else:
        for t in tree:
            flatten(t, out)
    return out


def handle(rng):
    tree = grow(rng, rng.randint(50, 600))
    return total(tree), len(flatten(tree, []))


def main():
    sys.setrecursionlimit(10000)
    rng = random.Random(11)
    for _ in range(200):
        handle(rng)


if __name__ == "__main__":
    profiled.run(main, "recursion.pstats")
