#!/usr/bin/env bash
# Peak RSS (MiB) of MNIST-type recipes on the full Fashion-MNIST, torch4j (target/torch4j.jar, default JVM settings)
# against PyTorch 1.13 (../shared/reference/recipes_fmnist.py), run one after the other, recipe by recipe.
# Usage: benchmarks/peak_rss.sh EPOCHS RECIPES...   (both: 2 threads, seed 42, no validation split)
set -u
cd "$(dirname "$0")/.."
epochs=$1; shift
peak() { grep "Maximum resident" "$1" | awk '{printf "%.0f", $6 / 1024}'; }
for r in "$@"; do
  /usr/bin/time -v java -jar target/torch4j.jar train --recipe "$r" --data /usr/share/datasets/fashion-mnist --valid 0 --threads 2 \
      --seed 42 --device cpu --epochs "$epochs" --out "target/rss/$r" > "target/rss-$r-torch4j.log" 2>&1
  (cd ../shared/reference && THREADS=2 /usr/bin/time -v /usr/bin/python3 recipes_fmnist.py "$r" "$epochs") > "target/rss-$r-pytorch.log" 2>&1
  echo "$r torch4j $(peak target/rss-$r-torch4j.log) MiB, pytorch $(peak target/rss-$r-pytorch.log) MiB"
done
