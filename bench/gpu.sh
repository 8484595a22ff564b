#!/usr/bin/env bash
# GPU figures of docs/performance.md's "On a GPU" table: U-Net training throughput and peak GPU memory per preset,
# and one S_NN measurement per --eval-batch. Needs a CUDA build of diffinfo (docs/gpu.md: "Building against
# another LibTorch"), nvidia-smi, and python3 with numpy (any PyTorch environment has both).
#   bench/gpu.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
bin=$(realpath "${1:-build}")/diffinfo
work=${2:-$(mktemp -d)}
mkdir -p "$work"
[ -x "$bin" ] || { echo "gpu.sh: no diffinfo binary at $bin" >&2; exit 1; }

# Uniform noise in [-1, 1]: throughput and memory do not depend on the pixels.
python3 -c "
import numpy as np; r = np.random.default_rng(0)
np.save('$work/r32.npy', r.uniform(-1, 1, (4096, 3 * 32 * 32)).astype(np.float32))
np.save('$work/r28.npy', r.uniform(-1, 1, (4096, 28 * 28)).astype(np.float32))"

# Peak of nvidia-smi's memory.used while a command runs (CUDA context and the caching allocator's reserve included).
peak_memory() {
  local log="$work/memory.txt"
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$log" &
  local monitor=$!
  "$@" > /dev/null
  kill "$monitor"; wait "$monitor" 2> /dev/null || true
  sort -n "$log" | tail -1
}

# Images per second between the first and the last log line (the first 20 steps warm up).
rate() {
  python3 -c "
import json; log = [json.loads(l) for l in open('$1/train_log.jsonl')]; a, b = log[0], log[-1]
steps = b['step'] - a['step']; secs = b['seconds'] - a['seconds']
print('%6.1f steps/s  %6.0f images/s' % (steps / secs, steps * $2 / secs), end='')"
}

echo "training (fp32)            batch   throughput                peak GPU memory"
for spec in "paper r32 3,32,32 128 200" "paper r28 1,28,28 128 200" "small r28 1,28,28 64 300" "small r28 1,28,28 256 300"; do
  read -r preset data shape batch steps <<< "$spec"
  run="$work/$preset-${shape//,/x}-$batch"
  rm -rf "$run"
  mib=$(peak_memory "$bin" train --data "$work/$data.npy" --arch unet --preset "$preset" --image-shape ${shape//,/ } \
        --batch "$batch" --steps "$steps" --log-every 20 --checkpoint-every 100000 --device cuda --out "$run")
  printf '%-6s %-10s %5d   %s   %6d MiB\n' "$preset" "${shape//,/x}" "$batch" "$(rate "$run" "$batch")" "$mib"
done

echo "entropy, 20 x 256 draws    eval-batch   seconds (whole command)   peak GPU memory"
for run in "$work/paper-3x32x32-128 r32" "$work/small-1x28x28-256 r28"; do
  read -r dir data <<< "$run"
  for eval_batch in 256 1024 4096; do
    start=$(date +%s.%N)
    mib=$(peak_memory "$bin" entropy --run "$dir" --data "$work/$data.npy" --points 20 --samples 256 \
          --eval-batch "$eval_batch" --device cuda --json)
    printf '%-26s %5d        %6.1f                    %6d MiB\n' "$(basename "$dir")" "$eval_batch" \
      "$(python3 -c "print($(date +%s.%N) - $start)")" "$mib"
  done
done
