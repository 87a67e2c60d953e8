"""Tags support tickets by keyword with a hand-written Aho-Corasick automaton.

tag_ticket() assembles the automaton from the same keyword list for every
ticket and then scans the ticket's text. No library is involved and no name
matches loopdoctor's catalog: only the profile's shape shows that the
assembly repeats identical work on every call.
"""
import profiled

KEYWORDS = ["%s%s" % (a, b) for a in ("pay", "ref", "acc", "log", "err", "tim", "bil", "dat", "net", "key")
            for b in ("ment", "und", "ount", "in", "or", "eout", "ling", "abase", "work", "chain", "s", "ed")]


class Node:
    __slots__ = ("edges", "fail", "out")

    def __init__(self):
        self.edges = {}
        self.fail = None
        self.out = []


def _graft(root, word):
    node = root
    for ch in word:
        node = _step_or_sprout(node, ch)
    node.out.append(word)


def _step_or_sprout(node, ch):
    nxt = node.edges.get(ch)
    if nxt is None:
        nxt = node.edges[ch] = Node()
    return nxt


def _fallback(node, ch):
    while node is not None and ch not in node.edges:
        node = node.fail
    return node


def _wire(root):
    queue = []
    for child in root.edges.values():
        child.fail = root
        queue.append(child)
    while queue:
        node = queue.pop(0)
        for ch, child in node.edges.items():
            queue.append(child)
            f = _fallback(node.fail, ch)
            child.fail = f.edges[ch] if f is not None else root
            child.out = child.out + child.fail.out


def assemble(words):
    root = Node()
    for w in words:
        _graft(root, w)
    _wire(root)
    return root


def scan(root, text):
    found = []
    node = root
    for ch in text:
        while node is not root and ch not in node.edges:
            node = node.fail
        node = node.edges.get(ch, root)
        found.extend(node.out)
    return found


def tag_ticket(text):
    machine = assemble(KEYWORDS)
    return sorted(set(scan(machine, text)))


def main():
    words = ["refund", "payment", "the", "database", "timeout", "network", "login", "keychain", "error", "bill"]
    for i in range(80):
        text = " ".join(words[(i * j) % len(words)] for j in range(5 + i % 23))
        tag_ticket(text)


if __name__ == "__main__":
    profiled.run(main, "keywords.pstats")
