#!/usr/bin/env bash
# madsweep report, end to end: a tiny sweep stopped midway reports its incomplete table on its own
# (rank 0, after a stop); resumed, it reports the whole one; summary.csv, summary_detail.csv,
# summary.md and summary.h5 (read by h5py) have the documented shape, the pictures are PNGs when
# matplotlib is there, and with plotting unavailable the report still succeeds with one warning.
# usage: test_report_command.sh MADSWEEP WORK
set -u
BIN=$1 WORK=$2
HERE=$(cd "$(dirname "$0")" && pwd)
SWEEP=$HERE/tiny.json
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset MADSWEEP_PYTHON MADSWEEP_PLOT_SCRIPT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
rm -rf "$WORK" && mkdir -p "$WORK"
out=$WORK/out

$PY -c "import h5py" 2>/dev/null || { echo "SKIP: $PY has no h5py"; exit 77; }
pictures=()
if $PY -c "import matplotlib, numpy" 2>/dev/null; then pictures=(--pictures); else echo "note: no matplotlib: pictures unchecked"; fi

# 1. stopped after the first finished cell: the report runs anyway, and says what is missing
"$BIN" sweep "$SWEEP" --out "$out" >"$WORK/stop.log" 2>&1 &
job=$!
for _ in $(seq 600); do
  grep -q $'\tok\t' "$out/ledger.tsv" 2>/dev/null && break
  sleep 0.05
done
kill -TERM "$job"
wait "$job" || fail "the stopped sweep exited with $?"
grep -q "madsweep report: wrote $out/summary.csv" "$WORK/stop.log" || fail "no report after the stop"
grep -q "incomplete" "$out/summary.md" || fail "the stopped sweep's summary.md marks nothing incomplete"
$PY "$HERE/check_summary.py" "$out" 2 4 --incomplete || fail "summary of the stopped sweep"

# 2. resumed to the end: the whole table, and the pictures
"$BIN" sweep "$SWEEP" --out "$out" >"$WORK/resume.log" 2>&1 || fail "the resumed sweep exited with $?"
grep -q "madsweep report: wrote" "$WORK/resume.log" || fail "no report after the sweep"
$PY "$HERE/check_summary.py" "$out" 2 4 "${pictures[@]}" || fail "summary of the finished sweep"
[ -e "$out/summary_plots.log" ] && fail "a successful plot left summary_plots.log"

# 3. the command with a reference and the token metric
ref=$WORK/reference.csv
printf 'variant,Context Recall,Selective Copy\ndelta_net_4layer,0.5,0.25\n' >"$ref"
"$BIN" report "$out" --reference "$ref" --metric token >"$WORK/ref.log" 2>&1 || fail "report --reference: exit $?"
head -n1 "$out/summary_vs_reference.csv" | grep -qx 'variant,Compress,Context Recall,Fuzzy Recall,Memorize,Noisy Recall,Selective Copy,incomplete' ||
  fail "summary_vs_reference.csv header"
grep -q "^delta_net_4layer,,-\?0\.[0-9]\{6\},,,,-\?0\.[0-9]\{6\},$" "$out/summary_vs_reference.csv" ||
  fail "summary_vs_reference.csv has no difference for delta_net_4layer"
grep -q "## Difference from the reference" "$out/summary.md" || fail "summary.md has no difference table"
grep -q "token accuracy" "$out/summary.md" || fail "summary.md does not name the token metric"

# 4. plotting unavailable: success, one warning line, tables written, no stale pictures
rm -f "$out/summary.csv"
MADSWEEP_PYTHON=/bin/false "$BIN" report "$out" >"$WORK/noplot.out" 2>"$WORK/noplot.err" || fail "report without python: exit $?"
[ "$(wc -l <"$WORK/noplot.err")" -eq 1 ] && grep -q "warning: no pictures" "$WORK/noplot.err" ||
  fail "expected one warning line, got: $(cat "$WORK/noplot.err")"
[ -s "$out/summary.csv" ] || fail "no summary.csv without python"
ls "$out"/summary_*.png >/dev/null 2>&1 && fail "pictures of an earlier report survived a failed plot"
MADSWEEP_PYTHON=/no/such/python "$BIN" report "$out" >/dev/null 2>"$WORK/nopy.err" || fail "report with a missing python: exit $?"
grep -q "cannot run '/no/such/python'" "$WORK/nopy.err" || fail "missing python: $(cat "$WORK/nopy.err")"

# 5. bad input: exit 2 and a message that says what to do
expect2() { "$@" >/dev/null 2>"$WORK/err"; local s=$?; [ $s -eq 2 ] || fail "exit $s, expected 2: $*"; }
expect2 "$BIN" report
expect2 "$BIN" report "$WORK/nowhere"
expect2 "$BIN" report "$out" --metric accuracy
grep -q "expected mad or token" "$WORK/err" || fail "--metric message: $(cat "$WORK/err")"
expect2 "$BIN" report "$out" --reference "$WORK/none.csv"
mkdir -p "$WORK/empty" && expect2 "$BIN" report "$WORK/empty"
grep -q "holds no sweep" "$WORK/err" || fail "empty folder message: $(cat "$WORK/err")"

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all passed"
