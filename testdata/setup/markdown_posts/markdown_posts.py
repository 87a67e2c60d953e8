"""A blog engine that renders each post with the markdown.markdown() shortcut.

The shortcut builds a new markdown.Markdown converter (extensions, block and
inline processors, pattern registries) for every post and throws it away;
only the post text differs between calls.
"""
import random

import markdown

EXTENSIONS = ["extra", "toc", "sane_lists", "smarty"]
WORDS = ("profile cache parser event loop request handler latency table "
         "schema build reuse module import config thread socket worker").split()


def make_post(rng):
    """Returns a Markdown document of random length and structure."""
    parts = []
    for _ in range(rng.randint(2, 6)):
        parts.append("## " + " ".join(rng.sample(WORDS, 3)).title())
        for _ in range(rng.randint(1, 3)):
            parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) + ".")
        if rng.random() < 0.5:
            parts.append("\n".join("- *%s* item" % rng.choice(WORDS) for _ in range(rng.randint(2, 5))))
        if rng.random() < 0.3:
            parts.append("| key | value |\n|---|---|\n" +
                         "\n".join("| %s | %d |" % (rng.choice(WORDS), rng.randint(1, 999)) for _ in range(3)))
    return "\n\n".join(parts)


def render_post(text):
    return markdown.markdown(text, extensions=EXTENSIONS)


def main():
    rng = random.Random(11)
    posts = [make_post(rng) for _ in range(300)]
    html = [render_post(p) for p in posts]
    print(sum(len(h) for h in html), "bytes of HTML")


if __name__ == "__main__":
    main()
