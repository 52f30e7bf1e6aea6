#!/usr/bin/env bash
# Image-pipeline throughput, torch4j vs torchvision + PIL (2 DataLoader workers), interleaved rounds,
# on N generated 500x375 JPEGs with seed 002's augmented training transforms (150x150 output).
# Needs target/torch4j.jar (mvn -DskipTests package) and Debian's python3-torchvision.
# Usage: benchmarks/bench_pipeline.sh [ROUNDS] [N]
set -u
cd "$(dirname "$0")/.."
rounds=${1:-3}; n=${2:-2000}
dir=target/bench-photos
[ -d $dir ] || /usr/bin/python3 benchmarks/make_photos.py $dir "$n"
# compiled ahead, as an application would be (source-file mode would run javac inside the timed JVM)
javac -d target/bench-classes -cp 'target/torch4j.jar:target/lib/*' benchmarks/PipelineBench.java
cp='target/bench-classes:target/torch4j.jar:target/lib/*'
for r in $(seq "$rounds"); do
  echo "round $r $(java -cp "$cp" PipelineBench $dir 2)"
  echo "round $r $(java -cp "$cp" PipelineBench $dir 2 exact)"
  echo "round $r $(/usr/bin/python3 benchmarks/pipeline_torchvision.py $dir)"
done
