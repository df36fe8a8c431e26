#!/usr/bin/python3
"""compare_runs.py REF DIR...: every run file under DIR/runs has the same cells as REF, with
bit-identical final metrics (but the wall time), epoch rows (but the seconds) and step losses.
Exit status 1 on any difference."""
import sys, glob, os, h5py, numpy as np
def finals(d):
    out = {}
    for p in glob.glob(os.path.join(d, "runs/*/*/*.h5")):
        with h5py.File(p, "r") as f:
            a = {k: v for k, v in f["final"].attrs.items() if k != "wall_seconds"}
            e = f["epochs"][()]
            cols = {n: e[n].tobytes() for n in e.dtype.names if n != "seconds"}
            s = f["steps"]["loss"].tobytes()
        out[os.path.basename(p)] = (a, cols, s)
    return out
ref = finals(sys.argv[1])
bad = 0
for d in sys.argv[2:]:
    got = finals(d)
    if set(got) != set(ref):
        print("different cells", d, set(got) ^ set(ref)); bad += 1; continue
    for k in ref:
        ra, rc, rs = ref[k]; ga, gc, gs = got[k]
        same = all((ra[x] == ga[x]) or (isinstance(ra[x], float) and np.isnan(ra[x]) and np.isnan(ga[x])) for x in ra) and rc == gc and rs == gs
        if not same:
            print("DIFFERENT", d, k, ra, ga); bad += 1
print(len(ref), "cells compared;", bad, "different")
if bad:
    sys.exit(1)
