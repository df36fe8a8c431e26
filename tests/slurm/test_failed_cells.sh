#!/usr/bin/env bash
# Failed cells do not end a long sweep: a job whose sweep already has failed cells (NaN at
# lr 1000) is stopped mid-sweep with SIGUSR1, exits 1 (some cell failed) rather than 0, and
# still requeues itself; the requeued job finishes the good cells and ends with exit 1. A job
# submitted after that finds nothing to run and also ends with exit 1, as the sweep would.
# usage: test_failed_cells.sh MADSWEEP WORK   (inside with_cluster.sh)
BIN=$1 WORK=$2
# shellcheck source=tests/slurm/lib.sh
source "$(dirname "$0")/lib.sh"
sed 's/"seeds": \[1\]/"seeds": [1, 2, 3]/' tests/sweep/failing.json >"$WORK/failing.json" # 3 good, 3 NaN
out=$WORK/out
j=$(sbatch --parsable --ntasks=3 --output="$WORK/job-%j.out" "$SUBMIT_SCRIPT" "$WORK/failing.json" --out "$out") ||
  fail "sbatch refused the script"
failed_and_busy() { [ "$(count_lines "$out" $'\tfailed\t')" -ge 1 ] && compgen -G "$out/runs/*/*/*.part" >/dev/null; }
wait_for 120 failed_and_busy "$out" || fail "no cell failed while another ran"
scancel --signal=USR1 --batch "$j" || fail "scancel --signal=USR1 --batch $j"
state=$(wait_job "$j" 240)
log=$WORK/job-$j.out
echo "job $j: $state, exit $(job_field "$j" ExitCode), restarts $(job_field "$j" Restarts)"
[ "$state" = FAILED ] && [ "$(job_field "$j" ExitCode)" = 1:0 ] || fail "job $j ended $state $(job_field "$j" ExitCode), expected FAILED 1:0"
grep -q "the sweep exited with status 1" "$log" || fail "the stopped sweep did not exit 1"
grep -q "requeueing job $j" "$log" || fail "the job did not requeue itself after a stop with failed cells"
[ "$(job_field "$j" Restarts)" = 1 ] || fail "the job restarted $(job_field "$j" Restarts) times, expected once"
oks=$(grep -v '^#' "$out/ledger.tsv" | awk -F'\t' '$2 == "ok" { print $1 }' | sort -u | wc -l)
nans=$(grep -v '^#' "$out/ledger.tsv" | awk -F'\t' '$2 == "failed" && $3 == "nan" { print $1 }' | sort -u | wc -l)
echo "ledger: $oks cells ok, $nans failed with nan"
[ "$oks" -eq 3 ] && [ "$nans" -eq 3 ] || fail "expected 3 cells ok and 3 failed"
j2=$(sbatch --parsable --ntasks=3 --output="$WORK/job-%j.out" "$SUBMIT_SCRIPT" "$WORK/failing.json" --out "$out")
state=$(wait_job "$j2" 120)
[ "$state" = FAILED ] && [ "$(job_field "$j2" ExitCode)" = 1:0 ] || fail "job $j2 ended $state $(job_field "$j2" ExitCode), expected FAILED 1:0"
grep -q "nothing left to run; 3 cell(s) failed" "$WORK/job-$j2.out" || fail "job $j2 did not say that only failed cells are left"
finish
