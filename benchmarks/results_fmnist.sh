#!/usr/bin/env bash
# torch4j and PyTorch on the full Fashion-MNIST, recipe by recipe, in the setting of
# ../shared/reference/recipes_fmnist.py (all 60,000 training images, no validation split, seed 42,
# 2 threads). Prints one JSON line per run; docs/results.md holds the table.
# Usage: benchmarks/results_fmnist.sh [RECIPES...]   (needs target/torch4j.jar and dataset-fashion-mnist)
set -u
cd "$(dirname "$0")/.."
recipes=${*:-"s0-cnn s0-nn s1-a s1-b s1-c s2-flat s2-gap s3-lenet s4-sgd s4-adam"}
for r in $recipes; do
  epochs=""; case $r in s1-*) epochs="--epochs 5";; esac
  out=target/results/$r
  java -jar target/torch4j.jar train --recipe "$r" --data /usr/share/datasets/fashion-mnist --valid 0 --threads 2 \
       --seed 42 --device cpu $epochs --out "$out" > "$out.log" 2>&1 || { echo "{\"recipe\": \"$r\", \"torch4j\": \"failed, see $out.log\"}"; continue; }
  echo "{\"torch4j\": $(tr -d '\n' < "$out/metrics.json")}"
  echo "{\"pytorch\": $(cd ../shared/reference && THREADS=2 /usr/bin/python3 recipes_fmnist.py "$r")}"
done
