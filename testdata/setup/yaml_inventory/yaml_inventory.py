"""Reads 150 different host inventories with yaml.safe_load.

Each document lists a different number of hosts with different variables:
every parse is new work, and parsing each document once is all a program
can do. A correct report has no repeated-setup finding.
"""
import random

import yaml


def inventory(rng, n):
    lines = ["all:", "  hosts:"]
    for h in range(rng.randint(1, 12)):
        lines.append("    web%d-%d.example.org:" % (n, h))
        for _ in range(rng.randint(0, 5)):
            lines.append("      %s: %s" % (rng.choice(["port", "user", "role", "zone", "weight"]), rng.randint(1, 9999)))
    if rng.random() < 0.5:
        lines.append("  vars:")
        lines += ["    - %s" % rng.choice(["ntp", "dns", "tls", "log"]) for _ in range(rng.randint(1, 6))]
    return "\n".join(lines) + "\n"


def main():
    rng = random.Random(31)
    docs = [inventory(rng, n) for n in range(150)]
    hosts = sum(len(yaml.safe_load(d)["all"]["hosts"]) for d in docs)
    print(hosts, "hosts")


if __name__ == "__main__":
    main()
