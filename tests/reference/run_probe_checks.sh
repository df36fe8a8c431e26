#!/usr/bin/env bash
# Every variant the C program lists, probed by the C program and checked against the PyTorch reference.
#
# usage: run_probe_checks.sh MADSWEEP TMPDIR
#
# For each variant of `MADSWEEP list variants` (first word of each non-empty line not starting with '#'):
#   context_recall                     always
#   compress  --set seq_len=64         if `MADSWEEP list tasks` lists it (the AutoEncoder backbone;
#                                      two chunks, so the state update reaches an output)
#   memorize                           if listed (V = 256: the widest embedding and head)
# runs `MADSWEEP probe --variant V --task T [--set k=v] --seed 1 --batch 4 --out TMPDIR/V-T.h5`, then one
# check_probe.py over all the files (one torch import). Exits nonzero if the variant list is empty, if any
# probe command fails, or if any file fails its check.
#
# The rmsprop and adam variants divide by sqrt(Vs + 1e-8): slopes up to 1e4 make float32 itself differ from
# float64 by up to half of max|grad| (torch's own float32 run against its float64 one; see README.md). Their
# probes at the default eps are checked against that measured float32 noise (--noise-factor 10), and a
# second probe of each at eps = 1e-3, where float32 is well conditioned, is held to the strict tolerance.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 MADSWEEP TMPDIR" >&2
  exit 2
fi
madsweep=$1
dir=$2
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

fail() { echo "run_probe_checks: FAIL: $*" >&2; exit 1; }

[ -x "$madsweep" ] || fail "$madsweep is not an executable (build the C program first)"
mkdir -p "$dir" || fail "cannot create $dir"

words() { awk 'NF && $1 !~ /^#/ { print $1 }'; }

variants=$("$madsweep" list variants) || fail "'$madsweep list variants' exited with status $?"
variants=$(printf '%s\n' "$variants" | words)
[ -n "$variants" ] || fail "'$madsweep list variants' printed no variant"

tasks=$("$madsweep" list tasks 2>/dev/null | words) || tasks=""
cases=("context_recall|")
printf '%s\n' "$tasks" | grep -qx compress && cases+=("compress|seq_len=64")
printf '%s\n' "$tasks" | grep -qx memorize && cases+=("memorize|")

ill_conditioned=" delta_net_4layer_rmsprop_state_update_in_for_loop delta_net_4layer_adam_state_update_in_for_loop "
files=()
noisy_files=()
probe_failures=0
start=$SECONDS
for v in $variants; do
  variant_cases=("${cases[@]}")
  noisy=0
  if [[ "$ill_conditioned" == *" $v "* ]]; then
    variant_cases+=("context_recall|eps=1e-3")
    noisy=1
  fi
  for c in "${variant_cases[@]}"; do
    task=${c%%|*}
    set_arg=${c#*|}
    out="$dir/$v-$task${set_arg:+-$set_arg}.h5"
    rm -f "$out"
    cmd=("$madsweep" probe --variant "$v" --task "$task")
    [ -n "$set_arg" ] && cmd+=(--set "$set_arg")
    cmd+=(--seed 1 --batch 4 --out "$out")
    if "${cmd[@]}" >"$dir/$v-$task.log" 2>&1 && [ -s "$out" ]; then
      if [ $noisy -eq 1 ] && [ "$task" = context_recall ] && [ -z "$set_arg" ]; then noisy_files+=("$out"); else files+=("$out"); fi
    else
      probe_failures=$((probe_failures + 1))
      echo "run_probe_checks: FAIL: probe command failed: ${cmd[*]}"
      sed 's/^/    /' "$dir/$v-$task.log" | tail -20
    fi
  done
done
echo "run_probe_checks: $((${#files[@]} + ${#noisy_files[@]})) probe files written in $((SECONDS - start)) s, $probe_failures probe command(s) failed"

check_status=0
if [ ${#files[@]} -gt 0 ]; then
  "$python" "$here/check_probe.py" "${files[@]}" || check_status=$?
fi
if [ ${#noisy_files[@]} -gt 0 ]; then
  echo "run_probe_checks: ill-conditioned in float32, checked against 10x torch's own float32 error:"
  "$python" "$here/check_probe.py" --noise-factor 10 "${noisy_files[@]}" || check_status=$?
fi
echo "run_probe_checks: total $((SECONDS - start)) s"
[ $probe_failures -eq 0 ] || fail "$probe_failures probe command(s) failed"
[ $check_status -eq 0 ] || fail "check_probe.py reported mismatches (status $check_status)"
echo "run_probe_checks: PASS (${#files[@]} probes at the strict tolerance, ${#noisy_files[@]} against float32 noise)"
exit 0
