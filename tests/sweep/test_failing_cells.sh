#!/usr/bin/env bash
# A cell whose loss goes NaN is recorded `failed` with reason nan while the other finishes; the
# exit status is 1 and the failure is summarised. Failed cells are skipped on a rerun unless
# --retry-failed, and --max-attempts gives up on them. A cell past --cell-timeout is recorded
# `timeout`, checkpointed, and a retry with more time finishes it.
# usage: test_failing_cells.sh MADSWEEP WORK
BIN=$1 WORK=$2
source "$(dirname "$0")/lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK"
sweep=$HERE/failing.json
out=$WORK/failing
"${MPIRUN[@]}" 2 "$BIN" sweep "$sweep" --out "$out" >"$WORK/1.log" 2>&1
status=$?
[ "$status" -eq 1 ] || fail "exit $status with a failed cell, expected 1"
grep -qE $'\tfailed\tnan\t' "$out/ledger.tsv" || fail "no 'failed nan' line in the ledger"
[ "$(ok_lines "$out")" -eq 1 ] || fail "the good cell did not finish ok"
grep -q "1 cell(s) failed" "$WORK/1.log" || fail "no failure summary"
lines() { grep -vc '^#' "$out/ledger.tsv"; }
before=$(lines)
"$BIN" sweep "$sweep" --out "$out" >"$WORK/2.log" 2>&1
[ $? -eq 1 ] && [ "$(lines)" -eq "$before" ] || fail "a rerun without --retry-failed ran something"
"$BIN" sweep "$sweep" --out "$out" --retry-failed >"$WORK/3.log" 2>&1
[ "$(lines)" -eq $((before + 1)) ] || fail "--retry-failed did not rerun the failed cell once"
grep -qE $'\tfailed\tnan\t[^\t]*\t[^\t]*\t[^\t]*\t[^\t]*\t2\t' "$out/ledger.tsv" || fail "the retry is not attempt 2"
"$BIN" sweep "$sweep" --out "$out" --retry-failed --max-attempts 2 >"$WORK/4.log" 2>&1
[ "$(lines)" -eq $((before + 1)) ] || fail "--max-attempts 2 did not give up after two attempts"

# timeout, then a retry with time to spare resumes from the checkpoint
tout=$WORK/timeout
"$BIN" sweep "$SMOKE" --out "$tout" --cell-timeout 0.5 >"$WORK/5.log" 2>&1
[ $? -eq 1 ] || fail "timeouts should end with exit 1"
grep -q $'\ttimeout\t' "$tout/ledger.tsv" || fail "no timeout recorded"
"$BIN" sweep "$SMOKE" --out "$tout" --retry-failed >"$WORK/6.log" 2>&1 || fail "the retry after timeouts failed"
grep -q "(resumed)" "$tout/ledger.tsv" || fail "a timed-out cell did not resume from its checkpoint"
finish
