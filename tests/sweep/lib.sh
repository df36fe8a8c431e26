# Shared by the sweep tests: source it after setting BIN (madsweep) and WORK (a scratch folder).
set -u
export OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SMOKE=$HERE/../../sweeps/smoke.json
PY=/usr/bin/python3
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
  echo "all passed"
}
MPIRUN=(mpirun --oversubscribe -n)
smoke_cells() { "$BIN" sweep "$SMOKE" --dry-run --out "$WORK/dry" | tail -n1 | sed -E 's/^[^:]*: ([0-9]+) cells.*/\1/'; }

# wait_for SECONDS CONDITION...: polls the condition every 0.2 s
wait_for() {
  local limit=$1
  shift
  local end=$((SECONDS + limit))
  while ! "$@"; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.2
  done
}
count_lines() { local n; n=$(grep -c "$2" "$1/ledger.tsv" 2>/dev/null); echo "${n:-0}"; }
ok_lines() { count_lines "$1" $'\tok\t'; }
busy() { [ "$(ok_lines "$1")" -ge 1 ] && compgen -G "$1/runs/*/*/*.part" >/dev/null; }

# Starts the smoke sweep with 3 ranks into $WORK/out in the background (its pid in $job) and
# waits until a worker is mid-run.
start_busy_smoke() {
  "${MPIRUN[@]}" 3 "$BIN" sweep "$SMOKE" --out "$WORK/out" >"$WORK/first.log" 2>&1 &
  job=$!
  wait_for 120 busy "$WORK/out" || fail "no worker got busy"
}
