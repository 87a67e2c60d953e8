"""Checks 1,500 different 64-byte frames with a pure-Python CRC-16.

crc16() does exactly the same number of steps on every frame, and
check_frame() spends nearly all its time in it, yet every frame is new
data: arithmetic on changing values, not setup. A correct report has no
repeated-setup finding.
"""
import random


def shift(crc):
    return ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF


def step(crc, byte):
    crc ^= byte << 8
    for _ in range(8):
        crc = shift(crc)
    return crc


def crc16(frame):
    crc = 0xFFFF
    for b in frame:
        crc = step(crc, b)
    return crc


def check_frame(frame):
    return crc16(frame) % 7 == 0


def main():
    rng = random.Random(47)
    ok = 0
    for _ in range(1500):
        frame = bytes([rng.getrandbits(8) for _ in range(64)])
        ok += check_frame(frame)
    print(ok, "frames pass")


if __name__ == "__main__":
    main()
