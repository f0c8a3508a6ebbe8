#!/usr/bin/env python3
# sqlstate_check.py: compares the SQLSTATE LakeSQL raises for every
# `statement error XXXXX` record of Tests/slt with the SQLSTATE PostgreSQL 15 raised
# (written into the header by pg_oracle.py). sqllogictest itself only checks that
# an error happens; this report catches errors raised for the wrong reason
# (for example "not implemented" where PostgreSQL reports a division by zero).
#
# For each such record it runs, in one `lakesql` process, every earlier
# `statement ok` record of the file, a marker query, then the failing statement,
# and reads the SQLSTATE printed after the marker.
#
# Usage: sqlstate_check.py [--lakesql PATH] FILE_OR_DIR...
import argparse
import os
import re
import subprocess
import sys

MARKER = "sqlstate_check_marker_7f3a"


def records(path):
    with open(path, encoding="utf-8") as f:
        blocks = re.split(r"\n\s*\n", f.read())
    for block in blocks:
        lines = [l for l in block.split("\n") if l and not l.startswith("#")]
        while lines and lines[0].split()[0] in ("skipif", "onlyif"):
            lines = lines[1:]
        if not lines:
            continue
        header = lines[0].split()
        if header[0] == "statement":
            yield header, "\n".join(lines[1:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lakesql", default=".build/debug/lakesql")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    files = []
    for p in args.paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files.extend(os.path.join(root, n) for n in names if n.endswith(".slt"))
        else:
            files.append(p)
    same = differ = 0
    for path in sorted(files):
        setup = []
        for header, sql in records(path):
            if header[1] == "ok":
                setup.append(sql)
                continue
            wanted = header[2] if len(header) > 2 else "?"
            cmd = [args.lakesql, "--continue-on-error"]
            for s in setup:
                cmd += ["-c", s]
            cmd += ["-c", f"SELECT '{MARKER}'", "-c", sql]
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
            text = out.stdout
            tail = text[text.rfind(MARKER):] if MARKER in text else text
            states = re.findall(r"SQLSTATE: (\w{5})", tail)
            got = states[-1] if states else "none (succeeded)"
            if got == wanted:
                same += 1
            else:
                differ += 1
                message = re.findall(r"ERROR:\s+(.*)", tail)
                print(f"{path}: PostgreSQL {wanted}, LakeSQL {got}: {sql}" + (f"  [{message[-1]}]" if message else ""))
    print(f"{same} same SQLSTATE, {differ} different")


if __name__ == "__main__":
    main()
