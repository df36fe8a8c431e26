#!/usr/bin/python3
"""check_ledger.py DIR N: the ledger has exactly one `ok` line for each of N keys, no key is ok
twice, every run file under DIR/runs is named by an ok key, and no partial file (.part, .ckpt, .tmp) is left."""
import collections, glob, os, sys

d, n = sys.argv[1], int(sys.argv[2])
oks = collections.Counter()
with open(os.path.join(d, "ledger.tsv")) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        key, status = line.split("\t")[:2]
        if status == "ok":
            oks[key] += 1
problems = []
if len(oks) != n:
    problems.append(f"{len(oks)} keys ok, expected {n}")
problems += [f"{k} ok {c} times" for k, c in oks.items() if c != 1]
files = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(d, "runs/*/*/*.h5"))}
problems += [f"run file {k}.h5 has no ok line" for k in files - set(oks)]
problems += [f"ok key {k} has no run file" for k in set(oks) - files]
for pattern in ("*.part", "*.ckpt", "*.tmp"):
    problems += [f"partial file left: {p}" for p in glob.glob(os.path.join(d, "runs/*/*", pattern))]
for p in problems:
    print("ledger:", p)
print(f"ledger: {len(oks)} cells ok once each" if not problems else f"ledger: {len(problems)} problem(s)")
if problems:
    sys.exit(1)
