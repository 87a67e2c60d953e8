"""The comment service of bleach_comments with one Cleaner for every comment.

The Cleaner (html5lib parser, tokenizer, walker, serializer) is built once
at start-up, as bleach documents for cleaning many texts.
"""
import random

import bleach

TAGS = ["a", "b", "i", "em", "strong", "code", "pre", "p", "ul", "li", "blockquote"]
ATTRIBUTES = {"a": ["href", "title"]}
CLEANER = bleach.sanitizer.Cleaner(tags=TAGS, attributes=ATTRIBUTES, strip=True)
WORDS = "nice post but the benchmark ignores warmup and the cache is cold on first run".split()
SNIPPETS = ['<b>%s</b>', '<a href="https://example.org/%s" onclick="x()">link</a>', "<script>%s()</script>",
            "<em>%s</em>", '<img src="%s.png">', "<code>%s</code>", "%s & more"]


def make_comment(rng):
    """Returns comment HTML of random length with allowed and disallowed markup."""
    return " ".join(rng.choice(SNIPPETS) % rng.choice(WORDS) if rng.random() < 0.3 else rng.choice(WORDS)
                    for _ in range(rng.randint(3, 20)))


def sanitize(comment):
    return CLEANER.clean(comment)


def main():
    rng = random.Random(5)
    comments = [make_comment(rng) for _ in range(1000)]
    clean = [sanitize(c) for c in comments]
    print(sum(len(c) for c in clean), "characters kept")


if __name__ == "__main__":
    main()
