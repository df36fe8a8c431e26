#!/usr/bin/env bash
# The commands' contract: bad input ends with a one-line message naming the problem and exit
# status 2 before any work; a NaN loss ends the run with stop reason "nan", exit status 1, and
# a whole log; data and probe files have the documented layout.
# usage: test_commands.sh MADSWEEP TMPDIR
set -u
bin=$1
tmp=$2
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
py=/usr/bin/python3

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect STATUS PATTERN -- command...: the exit status and a pattern of its stderr
expect() {
  local want=$1 pattern=$2
  shift 3
  local err status
  err=$("$@" 2>&1 >/dev/null)
  status=$?
  if [ "$status" -ne "$want" ]; then
    fail "status $status (want $want): $*"$'\n'"$err"
  elif ! grep -qE -- "$pattern" <<<"$err"; then
    fail "message does not match /$pattern/: $*"$'\n'"$err"
  else
    echo "ok   [$status] $(head -n1 <<<"$err" | cut -c1-150)"
  fi
}

train=("$bin" train --variant delta_net_4layer --task context_recall)
expect 2 "unknown variant 'delta_net_4layr'.*delta_net_4layer" -- "$bin" train --variant delta_net_4layr --task context_recall --out "$tmp/a.h5"
expect 2 "unknown task 'context_recal'.*context_recall" -- "$bin" train --variant delta_net_4layer --task context_recal --out "$tmp/a.h5"
expect 2 "unknown key 'vocab'.*vocab_size" -- "${train[@]}" --set vocab=16 --out "$tmp/a.h5"
expect 2 "seq_len" -- "${train[@]}" --set seq_len=12x --out "$tmp/a.h5"
expect 2 "seq_len.*even" -- "${train[@]}" --set seq_len=65 --out "$tmp/a.h5"
expect 2 "--lr abc" -- "${train[@]}" --lr abc --out "$tmp/a.h5"
expect 2 "--epochs 0" -- "${train[@]}" --epochs 0 --out "$tmp/a.h5"
expect 2 "does not take --bogus" -- "${train[@]}" --bogus 1 --out "$tmp/a.h5"
expect 2 "--out is required" -- "${train[@]}"
expect 2 "does not exist" -- "${train[@]}" --out "$tmp/no/such/folder/a.h5"
expect 2 "list what" -- "$bin" list everything
expect 2 "unknown command" -- "$bin" trian
[ -e "$tmp/a.h5" ] || [ -e "$tmp/a.h5.part" ] && fail "a rejected command left a file behind"

# A diverging run: decay factor 1 - lr * wd = -999 overflows the weights within a few steps.
expect 1 "NaN" -- "${train[@]}" --set seq_len=16 --set num_train=256 --set num_test=128 \
  --lr 1000 --wd 1 --epochs 50 --out "$tmp/nan.h5"
$py - "$tmp/nan.h5" <<'PY' || fail "the NaN run's log is not whole"
import math, sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    final = f["final"].attrs
    assert final["stop_reason"] == "nan", final["stop_reason"]
    assert math.isnan(f["steps"]["loss"][-1]) or math.isinf(f["steps"]["loss"][-1])
    assert "end_time" in f["provenance"].attrs
    print("ok   NaN run logged whole: stop_reason nan after", final["epochs_run"], "epochs")
PY

# data: the documented datasets and shapes
"$bin" data --task context_recall --split test --count 3 --out "$tmp/data.h5" >/dev/null || fail "data command"
$py - "$tmp/data.h5" <<'PY' || fail "data file layout"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    x, y = f["inputs"][()], f["targets"][()]
    assert x.shape == (3, 127) and y.shape == (3, 127) and x.dtype == np.int32, (x.shape, x.dtype)
    assert (y == -100).any() and (y != -100).any()
print("ok   data file: inputs", x.shape, "targets with IGN")
PY

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all command checks passed"
