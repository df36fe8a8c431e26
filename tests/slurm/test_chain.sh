#!/usr/bin/env bash
# slurm/madsweep-chain.sh 3 jobs (afterany, mpirun): the first is stopped mid-sweep with
# scancel --signal=USR1 --full (batch shell and every step), exits 0 without requeueing; the second
# resumes and finishes the sweep; the third finds nothing left and ends at once. Every cell ok
# exactly once, with the numbers of the uninterrupted job.
# usage: test_chain.sh MADSWEEP WORK REFERENCE   (inside with_cluster.sh)
BIN=$1 WORK=$2 REF=$3
# shellcheck source=tests/slurm/lib.sh
source "$(dirname "$0")/lib.sh"
n=$(smoke_cells)
out=$WORK/out
mapfile -t ids < <(MADSWEEP_LAUNCHER=mpirun MADSWEEP_SBATCH_ARGS="--ntasks=3 --output=$WORK/job-%j.out" \
  slurm/madsweep-chain.sh 3 "$SMOKE" --out "$out")
[ ${#ids[@]} -eq 3 ] || fail "madsweep-chain.sh printed ${#ids[@]} job ids, expected 3"
echo "chain: ${ids[*]}; dependencies: $(job_field "${ids[1]}" Dependency) $(job_field "${ids[2]}" Dependency)"
wait_for 120 busy "$out" || fail "no worker got busy"
[ "$(job_field "${ids[1]}" JobState)" = PENDING ] || fail "job 2 of the chain is $(job_field "${ids[1]}" JobState) while job 1 runs"
scancel --signal=USR1 --full "${ids[0]}" || fail "scancel --signal=USR1 --full ${ids[0]}"
for j in "${ids[@]}"; do expect_job "$j" 150; done
first=$WORK/job-${ids[0]}.out
grep -q "stopped on request" "$first" || fail "job 1 did not stop on request"
! grep -q "requeueing" "$first" || fail "job 1 requeued itself inside a chain"
[ "$(job_field "${ids[0]}" Restarts)" = 0 ] || fail "job 1 was restarted"
grep -q "(resumed)" "$out/ledger.tsv" || fail "no run was resumed from its checkpoint"
grep -q "nothing left to run" "$WORK/job-${ids[2]}.out" || fail "job 3 did not see that the sweep was complete"
check_results "$out" "$n"
$PY "$SWEEP_TESTS/compare_runs.py" "$REF" "$out" || fail "results over the chain differ from the uninterrupted job's"
finish
