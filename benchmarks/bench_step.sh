#!/usr/bin/env bash
# Training-step benchmark, torch4j vs PyTorch, interleaved: each round runs every model once with each.
# Prints one line per run; docs/benchmarks.md holds the medians. Needs target/torch4j.jar (mvn -DskipTests
# package) and Debian's python3-torch for the PyTorch side (../shared/reference/bench_step.py).
# Usage: benchmarks/bench_step.sh [ROUNDS] [THREADS] [MODELS...]
set -u
cd "$(dirname "$0")/.."
rounds=${1:-3}; threads=${2:-2}; shift 2 2>/dev/null || shift $#
models=${*:-"s1-a s1-b s1-c s0-cnn s0-nn s2-flat s2-gap s3-lenet s4-sgd"}
ref=../shared/reference
for r in $(seq "$rounds"); do
  for m in $models; do
    batch=100; steps=300
    case $m in s2-cat*|s0-catdog) batch=32; steps=40;; s4-*) batch=128; steps=150;; s0-cnn|s0-nn) batch=512; steps=100;; s2-*|s3-*) batch=64;; esac
    echo "round $r torch4j $(java -jar target/torch4j.jar bench --model "$m" --batch-size $batch --steps $steps --threads "$threads")"
    script=bench_step.py; case $m in s0-cnn|s0-catdog) script=$PWD/benchmarks/bench_step_bn.py;; esac # batch norm: 2-sample first call
    echo "round $r pytorch $(cd $ref && /usr/bin/python3 "$script" "$m" $batch $steps "$threads")"
  done
done
