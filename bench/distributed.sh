#!/usr/bin/env bash
# docs/performance.md's "Several ranks" table: training steps/s and S_NN measurement points/s with 1
# and N ranks (--nproc, Gloo on 127.0.0.1; or NCCL with DEVICE=cuda), taken in one run, and the share
# of a training step the gradients' all-reduce takes (train_log.jsonl's allreduce_seconds).
#   bench/distributed.sh [BUILD_DIR] [N] [WORK_DIR]        DEVICE=cpu|cuda WIDTH=512 BATCH=1024
set -euo pipefail
bin=$(realpath "${1:-build}")/diffinfo
n=${2:-2}
work=${3:-$(mktemp -d)}
device=${DEVICE:-cpu} width=${WIDTH:-512} batch=${BATCH:-1024}
mkdir -p "$work"
[ -x "$bin" ] || { echo "distributed.sh: no diffinfo binary at $bin" >&2; exit 1; }
"$bin" data gaussian --dim 25 --n 20000 --out "$work/x.npy" > /dev/null

# Steps per second between the log lines of steps 100 and the last (the first 100 warm up), and the
# all-reduce's share of those seconds.
train_rate() {
  python3 -c "
import json, sys
lines = [json.loads(l) for l in open('$1/train_log.jsonl')]
a, b = lines[0], lines[-1]
steps, secs = b['step'] - a['step'], b['seconds'] - a['seconds']
share = (b.get('allreduce_seconds', 0) - a.get('allreduce_seconds', 0)) / secs
print(f'{steps / secs:.1f} steps/s, all-reduce {100 * share:.0f} % of a step')"
}

echo "training: MLP width $width, depth 3, D = 25, global batch $batch, device $device"
for ranks in 1 "$n"; do
  rm -rf "$work/run$ranks"
  "$bin" train --data "$work/x.npy" --out "$work/run$ranks" --width "$width" --depth 3 --batch "$batch" \
    --steps 600 --log-every 100 --checkpoint-every 600 --device "$device" --nproc "$ranks" --quiet
  echo "  $ranks rank(s): $(train_rate "$work/run$ranks")"
done

echo "measurement: entropy --points 100 --samples 2048 (204800 network evaluations)"
for ranks in 1 "$n"; do
  start=$(date +%s.%N)
  "$bin" entropy --run "$work/run1" --device "$device" --nproc "$ranks" --json > /dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'  $ranks rank(s): {204800 / ($end - $start) / 1e3:.1f} k points/s (whole command, loading included)')"
done
