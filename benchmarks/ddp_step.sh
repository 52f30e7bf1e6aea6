#!/usr/bin/env bash
# A data-parallel step against a local one, torch4j (benchmarks/DdpStepProbe.java under launch) and PyTorch 1.13
# (benchmarks/ddp_step_pytorch.py, DistributedDataParallel), 2 processes x 1 thread on loopback, interleaved.
# Usage: benchmarks/ddp_step.sh ROUNDS BATCH STEPS MODELS...    docs/benchmarks.md has the table.
set -u
cd "$(dirname "$0")/.."
rounds=$1 batch=$2 steps=$3; shift 3
for i in $(seq "$rounds"); do
  for m in "$@"; do
    java -jar target/torch4j.jar launch --nproc-per-node 2 -- java -cp 'target/classes:target/lib/*' benchmarks/DdpStepProbe.java \
      "$m" "$batch" "$steps" 2>&1 | grep " round " | sed "s/^/run $i torch4j /"
    /usr/bin/python3 benchmarks/ddp_step_pytorch.py "$m" "$batch" "$steps" 2>&1 | grep " round " | sed "s/^/run $i /"
  done
done
