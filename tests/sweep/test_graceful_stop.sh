#!/usr/bin/env bash
# SIGUSR1 to the job mid-run: exit 0 with the busy runs checkpointed and recorded `stopped`;
# the same sweep again resumes them, and the final metrics equal the uninterrupted reference.
# usage: test_graceful_stop.sh MADSWEEP WORK REFERENCE
BIN=$1 WORK=$2 REF=$3
source "$(dirname "$0")/lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK"
n=$(smoke_cells)
start_busy_smoke
kill -USR1 "$job"
wait "$job"
status=$?
[ "$status" -eq 0 ] || fail "the stopped job exited with $status, expected 0"
stopped=$(count_lines "$WORK/out" $'\tstopped\t')
echo "stopped runs: $stopped; partial files: $(ls "$WORK"/out/runs/*/*/*.part 2>/dev/null | wc -l)"
[ "$stopped" -ge 1 ] || fail "no run was recorded as stopped"
"${MPIRUN[@]}" 2 "$BIN" sweep "$SMOKE" --out "$WORK/out" >"$WORK/second.log" 2>&1 || fail "resume: exit $?"
grep -q "(resumed)" "$WORK/out/ledger.tsv" || fail "no run was resumed from its checkpoint"
$PY "$HERE/check_ledger.py" "$WORK/out" "$n" || fail "ledger after resuming"
$PY "$HERE/compare_runs.py" "$REF" "$WORK/out" || fail "resumed results differ from the uninterrupted sweep"
finish
