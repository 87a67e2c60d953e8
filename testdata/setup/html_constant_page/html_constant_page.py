"""Parses the same constant page with an HTMLParser on every lookup of one link."""
from html.parser import HTMLParser
import random
PAGE = "<html><body>" + "".join(f'<div class="c{i % 5}"><a href="/item/{i}">item {i}</a><p>text {i}</p></div>' for i in range(150)) + "</body></html>"
class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])
def link_for(i):
    p = Links()
    p.feed(PAGE)
    return p.links[i % len(p.links)]
def main():
    rng = random.Random(4)
    print(sum(len(link_for(rng.randint(0, 1000))) for _ in range(200)))
main()
