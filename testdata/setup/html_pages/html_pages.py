"""Counts the tags of 250 different generated pages, one HTMLParser per page."""
from html.parser import HTMLParser
import random
class Count(HTMLParser):
    def __init__(self):
        super().__init__()
        self.n = 0
    def handle_starttag(self, tag, attrs):
        self.n += 1
def tags(page):
    p = Count()
    p.feed(page)
    return p.n
def main():
    rng = random.Random(8)
    total = 0
    for _ in range(250):
        k = rng.randint(10, 200)
        page = "<ul>" + "".join(f'<li id="x{rng.randint(0, 9999)}"><b>{j}</b></li>' for j in range(k)) + "</ul>"
        total += tags(page)
    print(total)
main()
