"""Negative control: numeric work on inputs of varying size.

Sorting lists of different lengths, moving averages and Collatz lengths
repeat the same functions, but the work per call depends on the input, so
call counts are not fixed multiples of the calls.
"""
import random

import profiled


def mean(xs):
    return sum(xs) / len(xs)


def moving_average(xs, k):
    return [mean(xs[i:i + k]) for i in range(len(xs) - k + 1)]


def collatz_length(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def summarize(xs):
    ordered = sorted(xs, key=abs)
    smooth = moving_average(ordered, 3)
    longest = max(collatz_length(int(abs(x)) + 1) for x in xs)
    return ordered[len(ordered) // 2], smooth[-1], longest


def main():
    rng = random.Random(7)
    for i in range(300):
        xs = [rng.uniform(-1000, 1000) for _ in range(rng.randint(5, 400))]
        summarize(xs)


if __name__ == "__main__":
    profiled.run(main, "numeric.pstats")
