#!/usr/bin/env python3
"""Checks a report folder as other tools see it: summary.csv in the reference layout (plus the
trailing `incomplete` column), summary_detail.csv's columns, summary.h5's named columns holding the
same numbers as the CSV, and (with --pictures) valid PNG files.

usage: check_summary.py DIR VARIANTS GROUPS [--pictures] [--incomplete]
  VARIANTS  rows summary.csv should have; GROUPS  rows of summary_detail.csv
  --incomplete  some row must be marked incomplete (a stopped sweep); else none may be
"""
import csv
import math
import os
import sys

import h5py

TASKS = ["Compress", "Context Recall", "Fuzzy Recall", "Memorize", "Noisy Recall", "Selective Copy"]
DETAIL = ["variant", "task", "setting", "seed", "status", "lr", "wd", "mad_accuracy", "token_accuracy",
          "epochs_run", "stop_reason", "key", "runs", "failed_runs", "note"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def main(argv):
    folder, n_variants, n_groups = argv[1], int(argv[2]), int(argv[3])
    pictures, incomplete = "--pictures" in argv, "--incomplete" in argv
    with open(os.path.join(folder, "summary.csv"), newline="") as f:
        rows = list(csv.reader(f))
    check(rows[0] == ["variant"] + TASKS + ["incomplete"], f"summary.csv header {rows[0]}")
    check(len(rows) == 1 + n_variants, f"summary.csv has {len(rows) - 1} rows, expected {n_variants}")
    check(all(len(r) == len(rows[0]) for r in rows), "summary.csv rows differ in length")
    for r in rows[1:]:
        for x in r[1:-1]:
            check(x == "" or (len(x.split(".")[1]) == 6 and 0 <= float(x) <= 1), f"summary.csv value '{x}'")
    marked = [r[-1] for r in rows[1:] if r[-1]]
    check(bool(marked) == incomplete, f"incomplete marks {marked}, expected {'some' if incomplete else 'none'}")
    with open(os.path.join(folder, "summary_detail.csv"), newline="") as f:
        detail = list(csv.reader(f))
    check(detail[0] == DETAIL, f"summary_detail.csv header {detail[0]}")
    check(len(detail) == 1 + n_groups, f"summary_detail.csv has {len(detail) - 1} rows, expected {n_groups}")
    with h5py.File(os.path.join(folder, "summary.h5"), "r") as f:
        check(f.attrs["metric"] in ("mad", b"mad"), "summary.h5 metric attribute")
        s = f["summary"][:]
        check(list(s.dtype.names) == ["variant"] + TASKS + ["incomplete"], f"/summary columns {s.dtype.names}")
        check(len(s) == n_variants, f"/summary has {len(s)} rows")
        for r, h in zip(rows[1:], s):
            check(h["variant"].decode() == r[0], f"/summary variant {h['variant']} vs {r[0]}")
            for t, x in zip(TASKS, r[1:-1]):
                v = float(h[t])
                check((x == "" and math.isnan(v)) or (x != "" and abs(v - float(x)) < 5e-7), f"/summary {r[0]} {t}")
        cells = f["cells"][:]
        for name in ("variant", "task", "title", "mean", "std", "n_seeds", "have", "want", "reference", "difference"):
            check(name in cells.dtype.names, f"/cells lacks column {name}")
        check(len(cells) == n_variants * len(TASKS), f"/cells has {len(cells)} rows")
        d = f["detail"][:]
        for name in DETAIL + ["setting_json", "path", "score"]:
            check(name in d.dtype.names, f"/detail lacks column {name}")
        check(len(d) == n_groups, f"/detail has {len(d)} rows")
        for r in d:
            if r["status"] == b"ok":
                check(os.path.isfile(os.path.join(folder, r["path"].decode())), f"/detail path {r['path']}")
    if pictures:
        names = ["summary_heatmap.png"] + [f"summary_curves_{r[0]}.png" for r in rows[1:]]
        for name in names:
            path = os.path.join(folder, name)
            ok = os.path.isfile(path)
            with open(path, "rb") if ok else open(os.devnull, "rb") as f:
                ok = ok and f.read(8) == b"\x89PNG\r\n\x1a\n"
            check(ok, f"{name} is missing or not a PNG")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
