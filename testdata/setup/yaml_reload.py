"""Re-reads and re-parses the YAML configuration on every request."""
import os
import tempfile

import yaml

import profiled

CONFIG = """
server:
  host: 0.0.0.0
  port: 8080
  workers: 4
routes:
""" + "".join("  - path: /r%d\n    upstream: http://10.0.0.%d:80\n    timeout: %d\n" % (i, i, i % 5 + 1)
              for i in range(30))


def load_config(path):
    with open(path) as f:
        return yaml.safe_load(f)


def handle(path, request):
    cfg = load_config(path)
    return cfg["routes"][request % len(cfg["routes"])]["upstream"]


def main():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "config.yaml")
        with open(path, "w") as f:
            f.write(CONFIG)
        for i in range(60):
            handle(path, i)


if __name__ == "__main__":
    profiled.run(main, "yaml_reload.pstats")
