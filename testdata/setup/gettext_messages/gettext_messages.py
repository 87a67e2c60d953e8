"""A status report that translates each message with the gettext module functions.

gettext.gettext() looks its catalog up again on every call: it expands the
language variables into candidate locale names and tests the path of each
.mo file, although neither the domain nor the language changes during the
run. Only the numbers in the messages differ.
"""
import gettext
import random

_ = gettext.gettext

SERVICES = ["api", "web", "worker", "db", "cache", "queue"]


def status_line(service, latency, errors):
    if errors:
        return _("%(service)s: %(errors)d errors, %(latency)d ms") % {
            "service": service, "errors": errors, "latency": latency}
    if latency > 250:
        return _("%(service)s: slow, %(latency)d ms") % {"service": service, "latency": latency}
    return _("%(service)s: healthy") % {"service": service}


def report(rng):
    lines = [_("Status report")]
    for service in SERVICES:
        lines.append(status_line(service, rng.randint(5, 400), rng.choice([0, 0, 0, 1, 3])))
    lines.append(_("%(count)d services checked") % {"count": len(SERVICES)})
    return "\n".join(lines)


def main():
    rng = random.Random(31)
    reports = [report(rng) for _ in range(1500)]
    print(sum(len(r) for r in reports), "characters of reports")


if __name__ == "__main__":
    main()
