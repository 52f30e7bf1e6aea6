#!/usr/bin/env bash
# A recipe's test accuracy over several seeds, torch4j and PyTorch interleaved, in the setting of
# ../shared/reference/recipes_fmnist.py (which fixes seed 42: a copy with the seed changed runs here).
# For recipes whose single-seed result depends on the data order more than on the framework (s0-cnn).
# Usage: benchmarks/seed_spread.sh RECIPE SEED...   (needs target/torch4j.jar and dataset-fashion-mnist)
set -u
cd "$(dirname "$0")/.."
recipe=$1; shift
ref=$(cd ../shared/reference && pwd)
tmp=$(mktemp -d)
cp "$ref"/*.py "$tmp"/
for seed in "$@"; do
  sed "s/torch.manual_seed(42)/torch.manual_seed($seed)/" "$ref/recipes_fmnist.py" > "$tmp/recipes_fmnist.py"
  t4j=$(java -jar target/torch4j.jar train --recipe "$recipe" --data /usr/share/datasets/fashion-mnist --valid 0 --threads 2 \
        --seed "$seed" --device cpu 2>&1 | sed -n 's/.*test accuracy \([0-9.]*\).*/\1/p')
  pt=$(cd "$tmp" && THREADS=2 /usr/bin/python3 recipes_fmnist.py "$recipe" | sed -n 's/.*"test_accuracy": \([0-9.]*\).*/\1/p')
  echo "$recipe seed $seed torch4j $t4j pytorch $pt"
done
rm -rf "$tmp"
