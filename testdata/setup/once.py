"""Negative control: setup done once per process.

Profiled as a whole program (python3 -m cProfile), so imports are in the
dump: jinja2, jsonschema and collections compile regexes, generate classes
and exec code while importing. The script itself builds its JSONPath parser,
validator, template and record class once at module level, then serves 200
requests with them.
"""
import collections

import jinja2
import jsonpath_rw
import jsonschema

Event = collections.namedtuple("Event", ["id", "kind", "sha"])
SHA_PATH = jsonpath_rw.parse("$.head.sha")
VALIDATOR = jsonschema.Draft7Validator({"type": "object", "required": ["id", "kind"],
                                        "properties": {"id": {"type": "integer"}}})
ROW = jinja2.Environment().from_string("<li>{{ e.id }} {{ e.kind }} {{ e.sha }}</li>")


def handle(doc):
    VALIDATOR.validate(doc)
    sha = [m.value for m in SHA_PATH.find(doc)]
    return ROW.render(e=Event(doc["id"], doc["kind"], sha[0] if sha else None))


for i in range(200):
    handle({"id": i, "kind": "push", "head": {"sha": "%040x" % i}})
