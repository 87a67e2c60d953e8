"""Negative control: fixed-size numeric work on values that change.

An n-body step over 20 bodies and a hash-like mixing of 16-word blocks run
the same functions the same number of times on every call, but on new
values each time: identical control flow, not identical work. Nothing
beside them varies, so nothing marks them as setup.
"""
import math
import random

import profiled


def vsub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def vscale(a, s):
    return (a[0] * s, a[1] * s, a[2] * s)


def vadd(a, b):
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def norm(a):
    return math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2])


def accel(bodies, i):
    acc = (0.0, 0.0, 0.0)
    for j, b in enumerate(bodies):
        if j != i:
            d = vsub(b[0], bodies[i][0])
            r = norm(d) + 0.01
            acc = vadd(acc, vscale(d, b[2] / (r * r * r)))
    return acc


def step(bodies, dt):
    accs = [accel(bodies, i) for i in range(len(bodies))]
    out = []
    for (p, v, m), a in zip(bodies, accs):
        v = vadd(v, vscale(a, dt))
        out.append((vadd(p, vscale(v, dt)), v, m))
    return out


def rotr(x, n):
    return ((x >> n) | (x << (32 - n))) & 0xffffffff


def mix(a, b, w):
    return (rotr(a, 7) ^ rotr(b, 13) ^ w) & 0xffffffff


def digest(block):
    h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a]
    for i in range(64):
        h[i % 4] = mix(h[(i + 1) % 4], h[(i + 2) % 4], block[i % len(block)])
    return h


def main():
    rng = random.Random(3)
    bodies = [((rng.random(), rng.random(), rng.random()), (0.0, 0.0, 0.0), rng.random()) for _ in range(20)]
    for _ in range(100):
        bodies = step(bodies, 0.01)
    for _ in range(1000):
        digest([rng.getrandbits(32) for _ in range(16)])


if __name__ == "__main__":
    profiled.run(main, "simulation.pstats")
