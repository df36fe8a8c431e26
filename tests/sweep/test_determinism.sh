#!/usr/bin/env bash
# The smoke sweep with 1, 2 and 3 ranks gives bit-identical metrics per cell, the 1-rank result
# becoming the reference the kill and stop tests compare with. Also: rank 0 does not spin.
# usage: test_determinism.sh MADSWEEP WORK
BIN=$1 WORK=$2
source "$(dirname "$0")/lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK"
n=$(smoke_cells)
"$BIN" sweep "$SMOKE" --out "$WORK/ranks1" >"$WORK/ranks1.log" 2>&1 || fail "1 rank: exit $?"
"${MPIRUN[@]}" 2 "$BIN" sweep "$SMOKE" --out "$WORK/ranks2" >"$WORK/ranks2.log" 2>&1 || fail "2 ranks: exit $?"
"${MPIRUN[@]}" 3 "$BIN" sweep "$SMOKE" --out "$WORK/ranks3" >"$WORK/ranks3.log" 2>&1 || fail "3 ranks: exit $?"
for r in 1 2 3; do $PY "$HERE/check_ledger.py" "$WORK/ranks$r" "$n" || fail "ledger of $r rank(s)"; done
$PY "$HERE/compare_runs.py" "$WORK/ranks1" "$WORK/ranks2" "$WORK/ranks3" || fail "results differ between rank counts"
share=$(sed -nE 's/.*controller CPU .*\(([0-9.]+)%\).*/\1/p' "$WORK/ranks3.log")
echo "controller CPU share with 2 workers: ${share:-?}%"
awk -v s="${share:-100}" 'BEGIN { exit !(s < 10) }' || fail "controller CPU share ${share:-?}% is not below 10%"
# a rerun finds everything done and runs nothing
"$BIN" sweep "$SMOKE" --out "$WORK/ranks1" >"$WORK/rerun.log" 2>&1 || fail "rerun: exit $?"
[ "$(ok_lines "$WORK/ranks1")" -eq "$n" ] || fail "a rerun of a finished sweep recorded more outcomes"
finish
