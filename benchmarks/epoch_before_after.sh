#!/usr/bin/env bash
# Seed 003's LeNet on the full Fashion-MNIST (3 epochs, 2 threads): torch4j at two commits and PyTorch 1.13,
# interleaved, ROUNDS rounds. Usage: benchmarks/epoch_before_after.sh OLD_JAR NEW_JAR [ROUNDS]
set -u
cd "$(dirname "$0")/.."
old=$1 new=$2 rounds=${3:-2}
data=/usr/share/datasets/fashion-mnist
for i in $(seq 1 "$rounds"); do
  echo "round $i old $(java -cp "$old" dev.torch4j.examples.FashionMnistLeNet $data 3 2 | tail -1)"
  echo "round $i new $(java -cp "$new" dev.torch4j.examples.FashionMnistLeNet $data 3 2 | tail -1)"
  echo "round $i pytorch $(cd ../shared/reference && THREADS=2 /usr/bin/python3 recipes_fmnist.py s3-lenet 3 2>/dev/null | tail -1)"
done
echo DONE
