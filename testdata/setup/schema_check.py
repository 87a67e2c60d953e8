"""Validates each incoming document with jsonschema.validate().

The module-level validate() checks the schema against its metaschema on
every call before validating the document.
"""
import jsonschema

import profiled

SCHEMA = {
    "type": "object",
    "required": ["id", "kind", "tags"],
    "properties": {
        "id": {"type": "integer", "minimum": 0},
        "kind": {"enum": ["push", "pull_request", "issue"]},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 20}},
        "meta": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
    },
}


def check_event(doc):
    jsonschema.validate(doc, SCHEMA)


def main():
    for i in range(150):
        check_event({"id": i, "kind": ["push", "issue"][i % 2], "tags": ["t%d" % j for j in range(i % 5)],
                     "meta": {"n": i}})


if __name__ == "__main__":
    profiled.run(main, "schema_check.pstats")
