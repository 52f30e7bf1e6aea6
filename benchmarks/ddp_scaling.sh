#!/usr/bin/env bash
# Data-parallel on one machine: median epoch time of a recipe on the full Fashion-MNIST, one process with 2 threads
# against `launch --nproc-per-node 2` (1 thread each), at the same effective batch (2 x half) and at twice the batch
# (2 x the same), interleaved round by round. No validation split; the epoch time includes the test pass.
# Usage: benchmarks/ddp_scaling.sh ROUNDS EPOCHS RECIPE BATCH     Prints one line per run; docs/benchmarks.md has the table.
set -u
cd "$(dirname "$0")/.."
rounds=$1 epochs=$2 recipe=$3 batch=$4
data=/usr/share/datasets/fashion-mnist
common=(--recipe "$recipe" --data "$data" --valid 0 --seed 42 --device cpu --epochs "$epochs")
median() { python3 -c "import json;m=json.load(open('$1/metrics.json'));print(m['median_epoch_s'], m['test_accuracy'])"; }
for i in $(seq "$rounds"); do
  o=target/ddp/$i
  rm -rf "$o"; mkdir -p "$o"
  java -jar target/torch4j.jar train "${common[@]}" --threads 2 --batch-size "$batch" --out "$o/one" > "$o/one.log" 2>&1 \
    && echo "round $i one-process threads 2 batch $batch: $(median "$o/one")"
  java -jar target/torch4j.jar launch --nproc-per-node 2 -- train "${common[@]}" --threads 1 --batch-size $((batch / 2)) \
       --out "$o/half" > "$o/half.log" 2>&1 && echo "round $i 2-process threads 1 batch 2x$((batch / 2)): $(median "$o/half")"
  java -jar target/torch4j.jar launch --nproc-per-node 2 -- train "${common[@]}" --threads 1 --batch-size "$batch" \
       --out "$o/same" > "$o/same.log" 2>&1 && echo "round $i 2-process threads 1 batch 2x$batch: $(median "$o/same")"
done
