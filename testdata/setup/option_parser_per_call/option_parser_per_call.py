"""Reads a tool's options by building its optparse parser again for every command line."""
import optparse
import random


def read_options(argv):
    parser = optparse.OptionParser(prog="resize", usage="%prog [options] FILE")
    for name in ("width", "height", "quality", "dpi", "angle", "crop-x", "crop-y", "border", "shadow", "blur",
                 "sharpen", "contrast", "gamma", "hue", "saturation", "threads", "tile", "margin"):
        parser.add_option("--" + name, type="int", default=0, help="the image's " + name)
    extra = optparse.OptionGroup(parser, "Output")
    for flag in ("strip", "progressive", "lossless", "overwrite", "dry-run", "verbose"):
        extra.add_option("--" + flag, action="store_true", default=False)
    parser.add_option_group(extra)
    opts, args = parser.parse_args(argv)
    return opts, args


def main():
    rng = random.Random(11)
    area = 0
    for _ in range(400):
        opts, _ = read_options(["--width", str(rng.randint(10, 4000)), "--height", str(rng.randint(10, 4000)), "photo.jpg"])
        area += opts.width * opts.height
    print(area)


main()
