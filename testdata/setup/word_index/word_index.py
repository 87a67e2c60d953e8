"""Answers 2,000 stem lookups; stem_of() rebuilds its suffix index every time.

build_index() turns a constant word list into a dict from each word to its
stem and then stem_of() reads one entry: the index is the same on every
call. A correct report names build_index, called from stem_of.
"""
import random

WORDS = [w + s for w in ("walk", "talk", "jump", "play", "work", "read", "call", "open", "look", "help",
                         "turn", "move", "live", "want", "need", "seem", "show", "hear", "keep", "start")
         for s in ("", "s", "ed", "ing", "er", "ers")]
SUFFIXES = ("ers", "ing", "er", "ed", "s")


def strip_suffix(word):
    for s in SUFFIXES:
        if word.endswith(s) and len(word) > len(s) + 2:
            return word[: -len(s)]
    return word


def build_index():
    index = {}
    for w in WORDS:
        index[w] = strip_suffix(w)
    return index


def stem_of(word):
    return build_index().get(word, word)


def main():
    rng = random.Random(43)
    stems = [stem_of(rng.choice(WORDS)) for _ in range(2000)]
    print(len(set(stems)), "stems")


if __name__ == "__main__":
    main()
