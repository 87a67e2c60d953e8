"""A fixed-size integration step on 64 particles, creating small vector objects: identical counts per step, but arithmetic."""
class Vec:
    __slots__ = ("x", "y", "z")
    def __init__(self, x, y, z):
        self.x, self.y, self.z = x, y, z
    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y, self.z + o.z)
    def scale(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)
def step(ps, vs, dt):
    # a fixed-size integration step on changing values: 64 particles
    moved = [p + v.scale(dt) for p, v in zip(ps, vs)]
    damped = [v.scale(0.999) for v in vs]
    return moved, damped
def main():
    ps = [Vec(i / 64, (i * 7 % 64) / 64, (i * 13 % 64) / 64) for i in range(64)]
    vs = [Vec((i * 5 % 64) / 640, (i * 11 % 64) / 640, (i * 3 % 64) / 640) for i in range(64)]
    for _ in range(1500):
        ps, vs = step(ps, vs, 0.01)
    print(round(sum(p.x for p in ps), 6))
main()
