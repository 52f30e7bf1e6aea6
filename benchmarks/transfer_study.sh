#!/usr/bin/env bash
# The offline transfer-learning study (docs/results.md): train --recipe fmnist-transfer on the full Fashion-MNIST,
# once per seed. Usage: benchmarks/transfer_study.sh [SEEDS...]   (default 1 2 3; needs dataset-fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TORCH4J_FMNIST:-/usr/share/datasets/fashion-mnist}
[ -f target/torch4j.jar ] || mvn -q -DskipTests package
for seed in "${@:-1 2 3}"; do
  for s in $seed; do
    echo "== seed $s"
    java -jar target/torch4j.jar train --recipe fmnist-transfer --data "$data" --budget 2,5,10,20,100 --seed "$s" \
      --threads 2 --out "target/transfer-study/seed-$s"
  done
done
