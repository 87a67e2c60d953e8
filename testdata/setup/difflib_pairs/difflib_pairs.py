"""Compares pairs of different word lists: each SequenceMatcher indexes a new sequence, so nothing repeats."""
import difflib, random
def similar(a, b):
    return difflib.SequenceMatcher(None, a, b).ratio()
def main():
    rng = random.Random(6)
    words = [f"w{i}" for i in range(200)]
    total = 0.0
    for _ in range(300):
        a = rng.sample(words, rng.randint(20, 120))
        b = rng.sample(words, rng.randint(20, 120))
        total += similar(a, b)
    print(round(total, 4))
main()
