"""Lints 60 different generated modules: ast.parse on each, then a walk.

ast.parse calls the built-in compile once per call, a one-to-one wrapper
whose counts prove nothing, and every source is different. A correct
report has no repeated-setup finding.
"""
import ast
import random


def module_source(rng, i):
    lines = ["import os", ""]
    for f in range(rng.randint(3, 25)):
        args = ", ".join("a%d" % k for k in range(rng.randint(0, 4)))
        lines.append("def f%d_%d(%s):" % (i, f, args))
        for s in range(rng.randint(1, 12)):
            lines.append("    x%d = %s" % (s, rng.choice(["os.sep", "len(%r)" % ("y" * s), "[%d] * %d" % (s, f), "{'k': %d}" % s])))
        lines.append("    return x0")
        lines.append("")
    return "\n".join(lines)


def unused_names(tree):
    assigned, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (assigned if isinstance(node.ctx, ast.Store) else used).add(node.id)
    return assigned - used


def main():
    rng = random.Random(59)
    unused = 0
    for i in range(60):
        tree = ast.parse(module_source(rng, i), filename="mod%d.py" % i)
        unused += len(unused_names(tree))
    print(unused, "unused names")


if __name__ == "__main__":
    main()
