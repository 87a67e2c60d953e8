"""Looks up four time zones 20,000 times through ZoneInfo's own cache."""
import zoneinfo, datetime, random
def local_hour(ts, zone):
    return datetime.datetime.fromtimestamp(ts, zoneinfo.ZoneInfo(zone)).hour
def main():
    rng = random.Random(2)
    zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
    print(sum(local_hour(rng.randint(0, 2_000_000_000), rng.choice(zones)) for _ in range(20000)))
main()
