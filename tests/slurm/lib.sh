# shellcheck shell=bash disable=SC2034  # (variables for the scripts that source this)
# Shared by the Slurm tests, which run inside with_cluster.sh (SLURM_CONF set): source it after
# setting BIN (madsweep) and WORK (a scratch folder). Jobs are submitted from the repository root,
# as a user would, with MADSWEEP pointing at the binary under test.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SUBMIT_SCRIPT=$REPO/slurm/madsweep.sbatch
SMOKE=sweeps/smoke.json # relative to REPO, where jobs are submitted
SWEEP_TESTS=$REPO/tests/sweep
PY=/usr/bin/python3
# sbatch passes the environment on to the job; mpirun needs the first two as root
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 MADSWEEP=$BIN
[ -n "${SLURM_CONF:-}" ] || { echo "run this inside tests/slurm/with_cluster.sh"; exit 2; }
cd "$REPO" || exit 2
rm -rf "$WORK" && mkdir -p "$WORK"
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {
  if [ "$failures" -ne 0 ]; then
    for f in "$WORK"/job-*.out; do [ -f "$f" ] && { echo "----- $f -----"; cat "$f"; }; done
    echo "$failures failure(s)"
    exit 1
  fi
  echo "all passed"
}
smoke_cells() { "$BIN" sweep "$SMOKE" --dry-run --out "$WORK/dry" | tail -n1 | sed -E 's/^[^:]*: ([0-9]+) cells.*/\1/'; }

# job_field JOBID FIELD: one field of `scontrol show job` (there is no accounting database)
job_field() { scontrol show job -o "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1; }

# wait_job JOBID SECONDS: waits until the job has ended for good (a requeued job passes through
# REQUEUED and PENDING first) and prints its final state; prints TIMEOUT-WAITING if it has not.
wait_job() {
  local end=$((SECONDS + $2)) state
  while :; do
    state=$(job_field "$1" JobState)
    case $state in
      COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
        echo "$state"
        return
        ;;
    esac
    if [ $SECONDS -ge $end ]; then
      echo "TIMEOUT-WAITING($state)"
      scontrol show job "$1" >&2
      return
    fi
    sleep 0.5
  done
}

# expect_job JOBID SECONDS: the job ends COMPLETED with exit code 0:0
expect_job() {
  local state code t0=$SECONDS
  state=$(wait_job "$1" "$2")
  code=$(job_field "$1" ExitCode)
  echo "job $1: $state, exit $code, restarts $(job_field "$1" Restarts), waited $((SECONDS - t0)) s"
  [ "$state" = COMPLETED ] && [ "$code" = 0:0 ] || fail "job $1 ended $state with exit code $code, expected COMPLETED 0:0"
}

# wait_for SECONDS CONDITION...: polls the condition every 0.2 s
wait_for() {
  local end=$((SECONDS + $1))
  shift
  while ! "$@"; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.2
  done
}
count_lines() { local n; n=$(grep -c "$2" "$1/ledger.tsv" 2>/dev/null); echo "${n:-0}"; }
# a worker is mid-run: one cell is done and a run file is partial
busy() { [ "$(count_lines "$1" $'\tok\t')" -ge 1 ] && compgen -G "$1/runs/*/*/*.part" >/dev/null; }

# check_results DIR N: every cell ok exactly once, and the summary if this madsweep has a report
check_results() {
  $PY "$SWEEP_TESTS/check_ledger.py" "$1" "$2" || fail "ledger of $1"
  if "$BIN" --help 2>/dev/null | grep -q "madsweep report"; then
    [ -s "$1/summary.csv" ] || fail "madsweep report exists but $1/summary.csv was not written"
  fi
}
# workers DIR: the ranks that recorded outcomes, as "1 2"
workers() { grep -v '^#' "$1/ledger.tsv" | cut -f4 | sort -un | tr '\n' ' ' | sed 's/ $//'; }
