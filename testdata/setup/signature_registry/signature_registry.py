"""The negative twin of signature_per_call: a plugin registry inspects each
of 400 generated callables once, and they have different parameter lists,
so every inspect.signature call builds a different Signature."""
import inspect


def make(i):
    params = ", ".join(f"p{j}=0" for j in range(i % 23 + 1))
    namespace = {}
    exec(f"def plugin_{i}(ctx, {params}):\n    return ctx", namespace)
    return namespace[f"plugin_{i}"]


def register(funcs):
    table = {}
    for f in funcs:
        table[f.__name__] = [p.name for p in inspect.signature(f).parameters.values()]
    return table


def main():
    funcs = [make(i) for i in range(400)]
    table = register(funcs)
    print(sum(len(v) for v in table.values()))


main()
