"""Builds a fresh TLS context for every outgoing call.

ssl.create_default_context() loads and parses the system CA bundle each time.
"""
import ssl

import profiled


def make_context(host):
    ctx = ssl.create_default_context()
    ctx.check_hostname = True
    return ctx


def main():
    for i in range(20):
        make_context("api%d.example.com" % i)


if __name__ == "__main__":
    profiled.run(main, "tls_client.pstats")
