#!/usr/bin/env bash
# Median epoch time of MNIST-type recipes on the full Fashion-MNIST with libtorch's pooling kernels (before), with
# torch4j's (after: the shim's max pooling and average pooling as a depthwise convolution, the default) and PyTorch
# 1.13, interleaved recipe by recipe; 2 threads, no validation split, seed 42. Same jar, switched by system properties.
# Usage: benchmarks/pool_before_after.sh EPOCHS RECIPES...   Prints one line per run; docs/benchmarks.md holds the table.
set -u
cd "$(dirname "$0")/.."
epochs=$1; shift
mkdir -p target/ratio
run() { # label, recipe, JVM options...
  local label=$1 r=$2; shift 2
  local out=target/ratio/$r-$label
  java "$@" -jar target/torch4j.jar train --recipe "$r" --data /usr/share/datasets/fashion-mnist --valid 0 --threads 2 \
       --seed 42 --device cpu --epochs "$epochs" --out "$out" > "$out.log" 2>&1 || { echo "$r $label failed, see $out.log"; return; }
  echo "$r $label $(python3 -c "import json;m=json.load(open('$out/metrics.json'));print(m['median_epoch_s'], m['test_accuracy'])")"
}
for r in "$@"; do
  run before "$r" -Dtorch4j.nativeMaxPool=false -Dtorch4j.avgPoolByConvolution=false
  run after "$r"
  echo "$r pytorch $(cd ../shared/reference && THREADS=2 /usr/bin/python3 recipes_fmnist.py "$r" "$epochs" 2>/dev/null | python3 -c "import json,sys;m=json.loads(sys.stdin.read());print(m['median_epoch_s'], m['test_accuracy'])")"
done
