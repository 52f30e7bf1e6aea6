#!/usr/bin/env bash
# Training step (`bench`, synthetic data) with two builds of the shim, interleaved model by model: OLD_SO (a copy of an
# earlier libtorch4j_shim.so) against the one in target/classes. Runs from target/classes, restores the new shim after.
# Usage: benchmarks/shim_before_after.sh OLD_SO ROUNDS MODELS...
set -u
cd "$(dirname "$0")/.."
old=$1; rounds=$2; shift 2
so=target/classes/dev/torch4j/shim/linux-x86_64/libtorch4j_shim.so
new=$(mktemp); cp "$so" "$new"; trap 'cp "$new" "$so"; rm -f "$new"' EXIT
for r in $(seq "$rounds"); do
  for m in "$@"; do
    batch=100; steps=300
    case $m in s4-*) batch=128; steps=150;; s2-*|s3-*) batch=64;; esac
    for v in before after; do
      if [ $v = before ]; then cp "$old" "$so"; else cp "$new" "$so"; fi
      echo "round $r $v $(java -cp 'target/classes:target/lib/*' dev.torch4j.cli.Main bench --model "$m" --batch-size $batch --steps $steps --threads 2)"
    done
  done
done
