#!/usr/bin/env bash
# Start-up, torch4j against PyTorch, interleaved ROUNDS times (page cache warm after the first round).
# Usage: benchmarks/startup.sh ROUNDS
set -u
cd "$(dirname "$0")/.."
mkdir -p target/bench-classes
javac -d target/bench-classes -cp "target/classes:target/lib/*" benchmarks/StartupProbe.java
for r in $(seq 1 "$1"); do
  java -cp "target/bench-classes:target/classes:target/lib/*" StartupProbe
  /usr/bin/python3 benchmarks/startup_pytorch.py
  s=$(date +%s.%N); java -jar target/torch4j.jar version > /dev/null; e=$(date +%s.%N)
  echo "java -jar torch4j.jar version: $(echo "$e - $s" | bc) s"
done
