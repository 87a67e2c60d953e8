"""A dispatcher that binds keyword arguments to a handler's parameters,
calling inspect.signature on the same handler for every one of 20,000
events: the signature never changes, so building it again is repeated
setup (P27)."""
import inspect


def on_event(kind, payload, *extra, priority: int = 0, tag: str = "", retries=3, **meta):
    return priority + len(payload)


def dispatch(handler, *args, **kwargs):
    sig = inspect.signature(handler)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    return handler(*bound.args, **bound.kwargs)


def main():
    total = 0
    for i in range(20000):
        total += dispatch(on_event, "click", "x" * (i % 17), priority=i % 5)
    print(total)


main()
