"""A rate limiter that reads its INI settings file again for every request.

configparser reads and parses the same unchanged file on each call; only
the client and route being checked differ.
"""
import configparser
import os
import random

SETTINGS = """\
[DEFAULT]
window = 60
burst = 10

[route:/api/search]
limit = 120
burst = 30

[route:/api/orders]
limit = 60

[route:/api/login]
limit = 10
window = 300

[route:/static]
limit = 1000
burst = 200

[client:partner]
multiplier = 5

[client:internal]
multiplier = 20

[client:anonymous]
multiplier = 1
"""


def allowed(path, client, seen):
    settings = configparser.ConfigParser()
    settings.read("limits.ini")
    route = settings["route:" + path]
    limit = route.getint("limit") * settings["client:" + client].getint("multiplier")
    return seen <= limit + route.getint("burst")


def main():
    with open("limits.ini", "w") as f:
        f.write(SETTINGS)
    rng = random.Random(41)
    routes = ["/api/search", "/api/orders", "/api/login", "/static"]
    clients = ["partner", "internal", "anonymous"]
    ok = sum(allowed(rng.choice(routes), rng.choice(clients), rng.randint(0, 500)) for _ in range(1500))
    os.remove("limits.ini")
    print(ok, "requests allowed")


if __name__ == "__main__":
    main()
