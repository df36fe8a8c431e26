#!/usr/bin/env bash
# The time-limit warning mid-sweep: SIGUSR1 to the batch shell only (scancel --signal=USR1
# --batch, what --signal=B:USR1@SECONDS does). The script passes it to the ranks, the busy runs
# checkpoint, the job requeues itself, and the same job id then finishes the sweep: every cell
# ok exactly once, with the numbers of the uninterrupted job.
# usage: test_stop_requeue.sh MADSWEEP WORK REFERENCE   (inside with_cluster.sh)
BIN=$1 WORK=$2 REF=$3
# shellcheck source=tests/slurm/lib.sh
source "$(dirname "$0")/lib.sh"
n=$(smoke_cells)
out=$WORK/out
j=$(sbatch --parsable --ntasks=3 --output="$WORK/job-%j.out" "$SUBMIT_SCRIPT" "$SMOKE" --out "$out") || fail "sbatch refused the script"
wait_for 120 busy "$out" || fail "no worker got busy"
scancel --signal=USR1 --batch "$j" || fail "scancel --signal=USR1 --batch $j"
expect_job "$j" 240
log=$WORK/job-$j.out
[ "$(job_field "$j" Restarts)" = 1 ] || fail "the job restarted $(job_field "$j" Restarts) times, expected once"
grep -q "got SIGUSR1" "$log" || fail "the batch script did not take SIGUSR1"
grep -q "stopped on request" "$log" || fail "the sweep did not stop on request"
grep -q "requeueing job $j" "$log" || fail "the job did not requeue itself"
grep -q "(restart 1)" "$log" || fail "the log (--open-mode=append) does not show the restarted job"
echo "stopped runs: $(grep -c $'\tstopped\t' "$out/ledger.tsv")"
grep -q $'\tstopped\t' "$out/ledger.tsv" || fail "no run was recorded as stopped"
grep -q "(resumed)" "$out/ledger.tsv" || fail "no run was resumed from its checkpoint"
check_results "$out" "$n"
$PY "$SWEEP_TESTS/compare_runs.py" "$REF" "$out" || fail "results after the stop differ from the uninterrupted job's"
finish
