#!/usr/bin/env bash
# Submits JOBS copies of slurm/madsweep.sbatch over one sweep, each starting when the one before
# it has ended (--dependency=afterany), so a sweep longer than one job's time limit continues
# unattended: every job drains the same ledger, resuming the runs the last one checkpointed.
#
#   slurm/madsweep-chain.sh JOBS SWEEP.json [madsweep sweep options]
#
# Environment:
#   MADSWEEP_SBATCH_ARGS  sbatch options for every job, split on spaces
#                         (e.g. "--ntasks=33 --time=12:00:00 --signal=B:USR1@300")
#   MADSWEEP_AFTER        a job id the first job waits for (to extend a running chain)
#   and those of slurm/madsweep.sbatch (MADSWEEP, MADSWEEP_LAUNCHER, ...), passed on by sbatch.
# The jobs do not requeue themselves (MADSWEEP_REQUEUE=0): the next job in the chain continues.
# A job that finds nothing left to run exits at once. Prints the job ids, one a line.
set -euo pipefail

die() { echo "madsweep-chain.sh: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: slurm/madsweep-chain.sh JOBS SWEEP.json [madsweep sweep options]"
jobs=$1
shift
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "JOBS must be a positive number of jobs, not '$jobs'"
[ -r "$1" ] || die "cannot read the sweep file '$1'"
script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/madsweep.sbatch
[ -r "$script" ] || die "missing $script"
read -r -a sbatch_args <<<"${MADSWEEP_SBATCH_ARGS:-}"

after=${MADSWEEP_AFTER:-}
for ((i = 1; i <= jobs; i++)); do
  dependency=()
  if [ -n "$after" ]; then dependency=(--dependency="afterany:$after"); fi
  # --parsable prints "JOBID" or "JOBID;CLUSTER"
  id=$(MADSWEEP_REQUEUE=0 sbatch --parsable "${dependency[@]}" "${sbatch_args[@]}" "$script" "$@") ||
    die "sbatch failed for job $i of $jobs${after:+ (the jobs before it, up to $after, stay queued)}"
  after=${id%%;*}
  echo "$after"
done
echo "madsweep-chain.sh: $jobs job(s) queued, one after another; the last is $after" >&2
