#!/usr/bin/env bash
# Cost as the work grows (issue 18): seed 002's cat classifier (s2-cat), training step against batch size (8-256 at
# 150x150) and image size (64-224 at batch 32), torch4j (`bench --image-size`, both layouts) and PyTorch 1.13
# (benchmarks/bench_step_formats.py, both layouts), interleaved point by point, 2 threads, synthetic data.
# Usage: benchmarks/scaling.sh ROUNDS > benchmarks/results/DATE-scaling-s2-cat.log
# Then: java -cp 'target/classes:target/lib/*' benchmarks/ScalingPlot.java LOG docs/scaling-s2-cat.png
set -u
cd "$(dirname "$0")/.."
rounds=$1
point() { # batch image
  local b=$1 img=$2 steps=$(( $1 * $2 * $2 > 2000000 ? 3 : 6 ))
  for f in contiguous channels-last; do
    java -jar target/torch4j.jar bench --model s2-cat --batch-size "$b" --image-size "$img" --steps $steps --warmup 2 --threads 2 --memory-format $f
  done
  WARMUP=2 /usr/bin/python3 benchmarks/bench_step_formats.py s2-cat "$b" $steps 1 "$img" 2>&1 | grep "^round"
}
for r in $(seq "$rounds"); do
  echo "# round $r"
  for b in 8 16 32 64 128 256; do point "$b" 150; done
  for img in 64 96 128 192 224; do point 32 "$img"; done
done
