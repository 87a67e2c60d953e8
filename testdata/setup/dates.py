"""Parses dates by trying several strptime formats in turn.

Eight formats cycle through _strptime's cache of five, which is cleared when
full, so the format regexes are rebuilt again and again.
"""
import datetime

import profiled

FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%m-%d-%Y %H:%M", "%Y%m%dT%H%M%S", "%d %b %Y", "%b %d, %Y",
           "%Y-%m-%d %H:%M:%S", "%A, %d %B %Y"]


def parse_date(text):
    for fmt in FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise ValueError(text)


def main():
    day = datetime.datetime(2024, 3, 1, 12, 30, 5)
    for i in range(600):
        d = day + datetime.timedelta(days=i)
        parse_date(d.strftime(FORMATS[i % len(FORMATS)]))


if __name__ == "__main__":
    profiled.run(main, "dates.pstats")
