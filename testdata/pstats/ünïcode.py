# Non-ASCII file and function names, which marshal writes as "u" and "t"
# strings rather than ASCII ones. Made with:
#   python3.11 -m cProfile -o unicode.pstats ünïcode.py


def größe(wörter):
    return sum(len(w) for w in wörter)


def 関数(n):
    return [größe(["äöü", "日本語"]) for _ in range(n)]


if __name__ == "__main__":
    print(len(関数(100)))
