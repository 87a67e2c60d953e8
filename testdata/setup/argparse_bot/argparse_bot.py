"""A chat bot that builds its argparse command parser for every message.

Each message is parsed with a fresh ArgumentParser with global options and
four subcommands; only the message text differs from call to call.
"""
import argparse
import random
import shlex


def build_parser():
    parser = argparse.ArgumentParser(prog="!bot", add_help=False, exit_on_error=False)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--channel", default="general")
    commands = parser.add_subparsers(dest="command", required=True)
    remind = commands.add_parser("remind", add_help=False)
    remind.add_argument("minutes", type=int)
    remind.add_argument("text", nargs="+")
    remind.add_argument("--every", choices=["day", "week"])
    poll = commands.add_parser("poll", add_help=False)
    poll.add_argument("question")
    poll.add_argument("options", nargs="+")
    poll.add_argument("--anonymous", action="store_true")
    deploy = commands.add_parser("deploy", add_help=False)
    deploy.add_argument("service")
    deploy.add_argument("--version", default="latest")
    deploy.add_argument("--dry-run", action="store_true")
    stats = commands.add_parser("stats", add_help=False)
    stats.add_argument("--since", type=int, default=7)
    return parser


def handle_message(text):
    return build_parser().parse_args(shlex.split(text))


def make_message(rng):
    """Returns a random but valid bot command."""
    kind = rng.choice(["remind", "poll", "deploy", "stats"])
    prefix = rng.choice(["", "--quiet ", "--channel ops "])
    if kind == "remind":
        return prefix + "remind %d call the %s team" % (rng.randint(1, 90), rng.choice(["db", "web", "infra"]))
    if kind == "poll":
        return prefix + "poll lunch? " + " ".join(rng.sample(["pizza", "sushi", "salad", "tacos"], 3))
    if kind == "deploy":
        return prefix + "deploy %s --version 1.%d" % (rng.choice(["api", "web"]), rng.randint(0, 40))
    return prefix + "stats --since %d" % rng.randint(1, 30)


def main():
    rng = random.Random(23)
    messages = [make_message(rng) for _ in range(800)]
    commands = [handle_message(m).command for m in messages]
    print({c: commands.count(c) for c in set(commands)})


if __name__ == "__main__":
    main()
