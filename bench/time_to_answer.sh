#!/usr/bin/env bash
# Time to an answer: the wall time of `diffinfo demo`'s job (S_NN of its 6-D Gaussian beside the exact
# S_tot) at the defaults, then train + entropy on the demo's data at other settings, each with its error.
#
#   bench/time_to_answer.sh [BUILD_DIR]      (WORKDIR: default a temp dir; SETTINGS: one per line)
set -euo pipefail
build=${1:-build}
diffinfo=$build/diffinfo
work=${WORKDIR:-$(mktemp -d)}
mkdir -p "$work"
settings=${SETTINGS:-"--precision bfloat16
--steps 5000
--steps 5000 --precision bfloat16
--steps 3000 --precision bfloat16"}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
rm -rf "$work/demo"
t0=$(date +%s.%N)
"$diffinfo" demo --out "$work/demo" > "$work/demo.txt"
t1=$(date +%s.%N)
echo "| settings | S_NN − S_tot | wall time (train + measure, whole commands) |"
echo "|---|---|---|"
echo "| \`diffinfo demo\` (defaults: 10000 steps, float32) | $(grep -o 'relative error *[-+0-9.]* %' "$work/demo.txt" | grep -o '[-+0-9.]* %') | $(elapsed "$t0" "$t1") s |"
while IFS= read -r s; do
  [ -n "$s" ] || continue
  run=$work/run-$(echo "$s" | tr -c 'a-z0-9' '_')
  rm -rf "$run"
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$diffinfo" train --data "$work/demo/data.npy" --out "$run" --quiet $s
  err=$("$diffinfo" entropy --run "$run" --exact "$work/demo/data.spec.json" | grep -o 'relative error *[-+0-9.]* %' | grep -o '[-+0-9.]* %')
  t1=$(date +%s.%N)
  echo "| \`$s\` | $err | $(elapsed "$t0" "$t1") s |"
done <<< "$settings"
