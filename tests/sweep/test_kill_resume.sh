#!/usr/bin/env bash
# kill -9 of a worker mid-sweep, then the same sweep again: every cell ends ok exactly once, no
# partial file is counted, and the metrics equal the uninterrupted reference.
# usage: test_kill_resume.sh MADSWEEP WORK REFERENCE
BIN=$1 WORK=$2 REF=$3
source "$(dirname "$0")/lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK"
n=$(smoke_cells)
start_busy_smoke
victim=""
for pid in $(pgrep -f "madsweep sweep $SMOKE"); do
  if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then victim=$pid; fi
done
[ -n "$victim" ] || fail "rank 1 not found"
echo "killing rank 1 (pid $victim) with SIGKILL"
kill -9 "$victim"
wait "$job"
echo "the killed job exited with $?; partial files: $(ls "$WORK"/out/runs/*/*/*.part 2>/dev/null | wc -l)"
"${MPIRUN[@]}" 3 "$BIN" sweep "$SMOKE" --out "$WORK/out" >"$WORK/second.log" 2>&1 || fail "rerun: exit $?"
$PY "$HERE/check_ledger.py" "$WORK/out" "$n" || fail "ledger after the rerun"
$PY "$HERE/compare_runs.py" "$REF" "$WORK/out" || fail "results differ from the uninterrupted sweep"
finish
