"""Extracts fields from 120 different order events with JSONPath expressions.

Each lookup parses its expression again: jsonpath_rw.parse() builds a new
ply parser, tables and all, on every call. jsonpath_cached.py is the same
program after the first fix, a cache in front of parse().
"""
import random

from jsonpath_rw import parse

EXPRESSIONS = ["customer.name", "customer.address.city", "lines[*].sku", "lines[*].quantity",
               "payment.method", "shipping.carrier"]


def make_event(rng, i):
    return {
        "id": i,
        "customer": {"name": "customer %d" % rng.randint(1, 500),
                     "address": {"city": rng.choice(["Bonn", "Lyon", "Utrecht", "Porto"])}},
        "lines": [{"sku": "SKU-%04d" % rng.randint(1, 9999), "quantity": rng.randint(1, 9)}
                  for _ in range(rng.randint(1, 6))],
        "payment": {"method": rng.choice(["card", "invoice", "wallet"])},
        "shipping": {"carrier": rng.choice(["dhl", "ups", "postnl"])},
    }


def lookup(expression, event):
    return [m.value for m in parse(expression).find(event)]


def main():
    rng = random.Random(11)
    found = 0
    for i in range(120):
        event = make_event(rng, i)
        found += len(lookup(EXPRESSIONS[i % len(EXPRESSIONS)], event))
    print(found, "values")


if __name__ == "__main__":
    main()
