#!/usr/bin/env bash
# MADSWEEP_LAUNCHER=mpirun: Open MPI's mpirun inside the allocation runs the same sweep, with the
# same numbers as the srun job.
# usage: test_mpirun.sh MADSWEEP WORK REFERENCE   (inside with_cluster.sh)
BIN=$1 WORK=$2 REF=$3
# shellcheck source=tests/slurm/lib.sh
source "$(dirname "$0")/lib.sh"
n=$(smoke_cells)
j=$(MADSWEEP_LAUNCHER=mpirun sbatch --parsable --ntasks=3 --output="$WORK/job-%j.out" "$SUBMIT_SCRIPT" "$SMOKE" --out "$WORK/out") ||
  fail "sbatch refused the script"
expect_job "$j" 240
grep -q -- "mpirun -n 3" "$WORK/job-$j.out" || fail "the job did not launch with mpirun -n 3"
[ "$(workers "$WORK/out")" = "1 2" ] || fail "cells were run by ranks '$(workers "$WORK/out")', expected '1 2'"
check_results "$WORK/out" "$n"
$PY "$SWEEP_TESTS/compare_runs.py" "$REF" "$WORK/out" || fail "mpirun results differ from the srun job's"
finish
