"""The order API of marshmallow_orders with one schema instance for every request.

The schema instance is created once at start-up and only loads each
payload, as marshmallow allows (a Schema instance can be reused).
"""
import random

from marshmallow import Schema, fields, validate


class AddressSchema(Schema):
    street = fields.Str(required=True)
    city = fields.Str(required=True)
    postcode = fields.Str(validate=validate.Length(min=4, max=10))
    country = fields.Str(validate=validate.OneOf(["DE", "FR", "NL", "US"]))


class LineSchema(Schema):
    sku = fields.Str(required=True)
    quantity = fields.Int(validate=validate.Range(min=1))
    price = fields.Decimal(as_string=True)
    note = fields.Str(allow_none=True)


class CustomerSchema(Schema):
    id = fields.Int(required=True)
    email = fields.Email(required=True)
    name = fields.Str()
    billing = fields.Nested(AddressSchema)
    shipping = fields.Nested(AddressSchema)


class OrderSchema(Schema):
    id = fields.Int(required=True)
    customer = fields.Nested(CustomerSchema, required=True)
    lines = fields.List(fields.Nested(LineSchema))
    created = fields.DateTime()
    status = fields.Str(validate=validate.OneOf(["new", "paid", "shipped"]))
    tags = fields.List(fields.Str())


ORDER_SCHEMA = OrderSchema()


def make_payload(rng, i):
    """Returns a JSON-like order with a random number of lines."""
    address = {"street": "Main St %d" % rng.randint(1, 99), "city": rng.choice(["Bonn", "Lyon", "Utrecht"]),
               "postcode": str(rng.randint(10000, 99999)), "country": rng.choice(["DE", "FR", "NL"])}
    return {
        "id": i,
        "customer": {"id": rng.randint(1, 5000), "email": "c%d@example.org" % i, "name": "Customer %d" % i,
                     "billing": address, "shipping": address},
        "lines": [{"sku": "SKU-%04d" % rng.randint(1, 9999), "quantity": rng.randint(1, 5),
                   "price": "%d.%02d" % (rng.randint(1, 200), rng.randint(0, 99)), "note": None}
                  for _ in range(rng.randint(1, 8))],
        "created": "2024-03-%02dT10:%02d:00" % (rng.randint(1, 28), rng.randint(0, 59)),
        "status": rng.choice(["new", "paid", "shipped"]),
        "tags": rng.sample(["gift", "express", "b2b", "repeat"], rng.randint(0, 3)),
    }


def handle_order(payload):
    return ORDER_SCHEMA.load(payload)


def main():
    rng = random.Random(3)
    payloads = [make_payload(rng, i) for i in range(1500)]
    orders = [handle_order(p) for p in payloads]
    print(sum(len(o["lines"]) for o in orders), "order lines")


if __name__ == "__main__":
    main()
