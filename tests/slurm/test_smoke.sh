#!/usr/bin/env bash
# `sbatch slurm/madsweep.sbatch sweeps/smoke.json --out DIR`, the script as it is (its own
# --ntasks, srun --mpi=pmix): the job completes, every cell is ok once, every worker took cells,
# and DIR becomes the reference the other Slurm tests compare with.
# usage: test_smoke.sh MADSWEEP WORK   (inside with_cluster.sh)
BIN=$1 WORK=$2
# shellcheck source=tests/slurm/lib.sh
source "$(dirname "$0")/lib.sh"
n=$(smoke_cells)
# --output only keeps the log out of the repository
j=$(sbatch --parsable --output="$WORK/job-%j.out" "$SUBMIT_SCRIPT" "$SMOKE" --out "$WORK/out") || fail "sbatch refused the script"
expect_job "$j" 240
log=$WORK/job-$j.out
grep -q -- "srun --mpi=pmix" "$log" || fail "the job did not launch with srun --mpi=pmix"
ranks=$(job_field "$j" NumTasks)
expected=$(seq -s ' ' 1 $((ranks - 1)))
[ "$(workers "$WORK/out")" = "$expected" ] || fail "cells were run by ranks '$(workers "$WORK/out")', expected '$expected' ($ranks ranks, one MPI job)"
check_results "$WORK/out" "$n"
finish
