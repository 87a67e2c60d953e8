"""Renders a page per request with a new Jinja2 Environment each time.

The template cache lives on the Environment, so every render lexes, parses,
generates and compiles the template again.
"""
import jinja2

import profiled

PAGE = """<html><head><title>{{ title }}</title></head><body>
<h1>{{ title|upper }}</h1>
{% for item in items %}<li class="{{ loop.cycle('odd', 'even') }}">{{ item.name }}: {{ item.price|round(2) }}</li>
{% endfor %}
{% if user %}<p>Hello {{ user.name|e }}</p>{% else %}<p>Please log in</p>{% endif %}
</body></html>"""


def render_page(title, items, user):
    env = jinja2.Environment(autoescape=True)
    return env.from_string(PAGE).render(title=title, items=items, user=user)


def main():
    for i in range(60):
        items = [{"name": "item%d" % j, "price": j * 1.25} for j in range(i % 7)]
        render_page("order %d" % i, items, {"name": "ann"} if i % 2 else None)


if __name__ == "__main__":
    profiled.run(main, "jinja_env.pstats")
