#!/usr/bin/python3
"""Checks a flame graph file trawk wrote, for the flame tests:

  check_flame.py svg FILE NAME...         FILE parses as XML (an <svg>) and
                                          some frame's <title> starts with each NAME
  check_flame.py speedscope FILE NAME...  FILE parses as speedscope JSON, its
                                          samples index its frames, and one
                                          sample holds the NAMEs in this order
                                          (root first)
Exits 1 with the reason on stderr when the file is not so.
"""
import json
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def check_svg(path, names):
    root = ET.parse(path).getroot()
    if root.tag != SVG + "svg":
        return "root element is %s" % root.tag
    titles = [t.text or "" for t in root.iter(SVG + "title")]
    for n in names:
        if not any(t.startswith(n + " (") for t in titles):
            return "no frame titled %r among %d" % (n, len(titles))
    if not root.findall(SVG + "g/" + SVG + "rect"):
        return "no frame rectangles"
    return None


def in_order(stack, want):
    i = 0
    for name in stack:
        if i < len(want) and name == want[i]:
            i += 1
    return i == len(want)


def check_speedscope(path, names):
    with open(path) as f:
        doc = json.load(f)
    if doc.get("$schema") != "https://www.speedscope.app/file-format-schema.json":
        return "no speedscope $schema"
    frames = [fr["name"] for fr in doc["shared"]["frames"]]
    stacks = []
    for prof in doc["profiles"]:
        if prof["type"] != "sampled" or len(prof["samples"]) != len(prof["weights"]):
            return "profile %r is not a sampled profile with a weight per sample" % prof["name"]
        if sum(prof["weights"]) != prof["endValue"]:
            return "weights do not add up to endValue"
        for smp in prof["samples"]:
            if any(i < 0 or i >= len(frames) for i in smp):
                return "a sample indexes past the frames"
            stacks.append([frames[i] for i in smp])
    if not any(in_order(s, names) for s in stacks):
        return "no sample holds %s in this order" % " -> ".join(names)
    return None


def main():
    kind, path, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    why = check_svg(path, names) if kind == "svg" else check_speedscope(path, names)
    if why:
        sys.stderr.write("%s: %s\n" % (path, why))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
