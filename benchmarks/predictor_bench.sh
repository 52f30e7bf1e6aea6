#!/usr/bin/env bash
# Predictor against PyTorch, interleaved: ROUNDS of (torch4j alone, torch4j batching, PyTorch), SECONDS each.
# Usage: benchmarks/predictor_bench.sh ROUNDS SECONDS
set -u
cd "$(dirname "$0")/.."
for r in $(seq 1 "$1"); do
  echo "round $r"
  java -cp "target/classes:target/lib/*" benchmarks/PredictorBench.java alone "$2" 8
  java -cp "target/classes:target/lib/*" benchmarks/PredictorBench.java batching "$2" 8 8 5
  /usr/bin/python3 benchmarks/predictor_pytorch.py "$2" 8
done
