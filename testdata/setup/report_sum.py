"""Builds a report per batch with a new Jinja2 Environment each time; the
batch's heaviest other work is a built-in, sum over its amounts.

The setup (Environment().from_string) is a finding; comparing it with the
work beside it must weigh every other call of report(), built-ins too.
"""
import random

import jinja2

import profiled

PAGE = """Report {{ name }}: {{ n }} amounts
{% for k, v in top %}{{ loop.index }}. {{ k|upper }} = {{ '%.2f'|format(v) }}
{% endfor %}Total {{ '%.2f'|format(total) }}"""


def report(name, amounts):
    env = jinja2.Environment()
    page = env.from_string(PAGE)
    total = sum(amounts)
    top = [("first", amounts[0]), ("last", amounts[-1])]
    return page.render(name=name, n=len(amounts), top=top, total=total)


def main():
    rng = random.Random(5)
    batches = []
    for _ in range(12):
        batches.append([rng.random() for _ in range(rng.randint(300000, 400000))])
    for i, amounts in enumerate(batches * 5):
        report("batch %d" % i, amounts)


if __name__ == "__main__":
    profiled.run(main, "report_sum.pstats")
