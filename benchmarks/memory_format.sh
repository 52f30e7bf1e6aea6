#!/usr/bin/env bash
# Training step, contiguous against channels-last, torch4j (`bench --memory-format`) and PyTorch 1.13
# (benchmarks/bench_step_formats.py), interleaved round by round, 2 threads, synthetic data.
# Usage: benchmarks/memory_format.sh ROUNDS MODEL BATCH STEPS      docs/benchmarks.md has the table.
set -u
cd "$(dirname "$0")/.."
rounds=$1 model=$2 batch=$3 steps=$4
for i in $(seq "$rounds"); do
  for f in contiguous channels-last; do
    echo "round $i torch4j $(java -jar target/torch4j.jar bench --model "$model" --batch-size "$batch" --steps "$steps" --warmup 3 --threads 2 --memory-format $f)"
  done
  /usr/bin/python3 benchmarks/bench_step_formats.py "$model" "$batch" "$steps" 1 2>&1 | grep "^round" | sed "s/^round 0/round $i/"
done
