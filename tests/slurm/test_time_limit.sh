#!/usr/bin/env bash
# The real path of the time-limit warning: a 1-minute job with the script's --signal=B:USR1@50
# (slurmctld checks limits every 30 s or so, so the signal comes 10-40 s in) over cells too long
# to finish by then: the batch shell takes SIGUSR1, the busy runs are checkpointed and recorded
# `stopped`, the job exits 0 and requeues itself. The requeued job is then cancelled; resuming
# is what test_stop_requeue.sh checks.
# usage: test_time_limit.sh MADSWEEP WORK   (inside with_cluster.sh)
BIN=$1 WORK=$2
# shellcheck source=tests/slurm/lib.sh
source "$(dirname "$0")/lib.sh"
sed 's/"epochs": 3/"epochs": 40/' "$SMOKE" >"$WORK/long.json"
out=$WORK/out
j=$(sbatch --parsable --ntasks=3 --time=1 --signal=B:USR1@50 --output="$WORK/job-%j.out" "$SUBMIT_SCRIPT" \
  "$WORK/long.json" --out "$out") || fail "sbatch refused the script"
log=$WORK/job-$j.out
t0=$SECONDS
requeued() { grep -q "requeueing job $j" "$log" 2>/dev/null; }
wait_for 120 requeued || fail "the job did not stop and requeue itself within 120 s"
echo "job $j: SIGUSR1 and requeue $((SECONDS - t0)) s after submission; state $(job_field "$j" JobState), restarts $(job_field "$j" Restarts)"
grep -q "got SIGUSR1" "$log" || fail "the batch script did not take SIGUSR1"
grep -q "stopped on request" "$log" || fail "the sweep did not stop on request"
grep -q "the sweep exited with status 0" "$log" || fail "the stopped sweep did not exit 0"
echo "stopped runs: $(grep -c $'\tstopped\t' "$out/ledger.tsv")"
grep -q $'\tstopped\t' "$out/ledger.tsv" || fail "no run was recorded as stopped"
scancel "$j"
finish
