"""A worker whose get_logger() helper applies the logging configuration on every call.

logging.config.dictConfig() tears down and rebuilds every formatter, filter,
handler and logger of the configuration each time; the configuration never
changes, only the jobs the worker runs.
"""
import logging
import logging.config
import random

CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"format": '{"t": "%(asctime)s", "level": "%(levelname)s", "msg": "%(message)s"}'},
    },
    "filters": {"only_app": {"name": "app"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "level": "ERROR",
                    "stream": "ext://sys.stderr"},
        "memory": {"class": "logging.handlers.MemoryHandler", "capacity": 100, "formatter": "json",
                   "level": "DEBUG", "filters": ["only_app"]},
        "null": {"class": "logging.NullHandler"},
    },
    "loggers": {
        "app": {"handlers": ["memory"], "level": "INFO"},
        "app.jobs": {"level": "DEBUG"},
        "app.db": {"level": "WARNING"},
        "app.http": {"level": "INFO"},
        "urllib3": {"handlers": ["null"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}


def get_logger(name):
    logging.config.dictConfig(CONFIG)
    return logging.getLogger(name)


def run_job(rng, job):
    log = get_logger("app.jobs")
    total = sum(rng.randint(1, 100) for _ in range(rng.randint(10, 200)))
    log.info("job %d summed %d", job, total)
    return total


def main():
    rng = random.Random(29)
    print(sum(run_job(rng, job) for job in range(1200)))


if __name__ == "__main__":
    main()
