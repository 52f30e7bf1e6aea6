#!/usr/bin/env bash
# Median epoch time of MNIST-type recipes on the full Fashion-MNIST, torch4j (target/torch4j.jar) against PyTorch 1.13
# (../shared/reference/recipes_fmnist.py), interleaved recipe by recipe, 2 threads, no validation split, seed 42.
# Runs taken one after the other drift with the machine (ratios move by up to 0.3); benchmarks/lockstep.py measures
# both sides in lockstep and is the one to trust for the 0.8x target.
# Usage: benchmarks/epoch_ratio.sh EPOCHS RECIPES...   Prints one line per run; docs/benchmarks.md holds the table.
set -u
cd "$(dirname "$0")/.."
epochs=$1; shift
for r in "$@"; do
  out=target/ratio/$r
  java -jar target/torch4j.jar train --recipe "$r" --data /usr/share/datasets/fashion-mnist --valid 0 --threads 2 \
       --seed 42 --device cpu --epochs "$epochs" --out "$out" > "$out.log" 2>&1 || { echo "$r torch4j failed, see $out.log"; continue; }
  echo "$r torch4j $(python3 -c "import json;m=json.load(open('$out/metrics.json'));print(m['median_epoch_s'], m['test_accuracy'])")"
  echo "$r pytorch $(cd ../shared/reference && THREADS=2 /usr/bin/python3 recipes_fmnist.py "$r" "$epochs" 2>/dev/null | python3 -c "import json,sys;m=json.loads(sys.stdin.read());print(m['median_epoch_s'], m['test_accuracy'])")"
done
