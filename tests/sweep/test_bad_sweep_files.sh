#!/usr/bin/env bash
# Each malformed sweep file ends with its own message (file, JSON path, what is expected) and
# exit status 2, before any work: no output folder is created.
# usage: test_bad_sweep_files.sh MADSWEEP WORK
BIN=$1 WORK=$2
source "$(dirname "$0")/lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK"
expect() { # FILE PATTERN
  local err
  err=$("$BIN" sweep "$HERE/bad/$1" --out "$WORK/out" 2>&1 >/dev/null)
  local status=$?
  if [ $status -ne 2 ]; then fail "$1: exit $status, expected 2"
  elif ! grep -qE -- "$2" <<<"$err"; then fail "$1: message does not match /$2/: $err"
  else echo "ok   $1: $err"; fi
}
expect bad_json.json "bad_json.json: line 3: not valid JSON"
expect unknown_variant.json "variants\[1\]: unknown variant 'delta_net_4layr' \(known: .*delta_net_4layer"
expect unknown_task.json "tasks\[1\]\.task: unknown task 'copying'.*context_recall"
expect unknown_setting_key.json "tasks\[0\]\.settings\[1\]\.vocab: .*unknown.*'vocab'.*vocab_size"
expect wrong_type.json "optimizer\.lr: expected a number or a non-empty list"
expect bad_value.json "tasks\[2\]\.settings\[0\]\.vocab_size: .*out of range"
expect empty_grid.json "optimizer\.lr: expected a number or a non-empty list"
expect unknown_top_key.json "variant: unknown key \(accepted: name, out, variants"
expect unknown_constant.json "constants\.delta_net_4layer\.gamma: .*no constant 'gamma'"
expect missing.json "cannot read sweep file .*missing.json"
[ -e "$WORK/out" ] && fail "a rejected sweep created its output folder"
finish
