"""Scores candidates against one fixed reference text, building a new SequenceMatcher (and its index of the reference) per candidate."""
import difflib, random
REFERENCE = [f"line {i}: " + " ".join(f"w{(i * j) % 97}" for j in range(12)) for i in range(400)]
def closeness(candidate):
    m = difflib.SequenceMatcher(None, candidate, REFERENCE)
    return m.quick_ratio()
def main():
    rng = random.Random(5)
    total = 0.0
    for _ in range(300):
        cand = rng.sample(REFERENCE, rng.randint(5, 40))
        total += closeness(cand)
    print(round(total, 4))
main()
