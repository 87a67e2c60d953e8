"""Fetches 40 URLs, each through a new Client dataclass.

Client's context field has default_factory=ssl.create_default_context, so
the __init__ that dataclasses generate with exec (its file is "<string>")
loads the CA bundle on every Client(). The fix goes in fetch(), the user's
code that creates a Client per call, not in the generated __init__.
"""
import ssl
from dataclasses import dataclass, field


@dataclass
class Client:
    host: str
    timeout: float = 5.0
    context: ssl.SSLContext = field(default_factory=ssl.create_default_context)


def fetch(host, path):
    client = Client(host)
    return "%s%s verify=%s" % (client.host, path, client.context.verify_mode)


def main():
    hosts = ["api%d.example.org" % (i % 7) for i in range(40)]
    out = [fetch(h, "/items/%d" % i) for i, h in enumerate(hosts)]
    print(len(out), "requests prepared")


if __name__ == "__main__":
    main()
