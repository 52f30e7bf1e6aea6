#!/usr/bin/env bash
# RSS of a training run, sampled every second: is it flat from the first epoch?
# Usage: benchmarks/rss_over_time.sh RECIPE EPOCHS [JAVA_OPTIONS...]
set -u
cd "$(dirname "$0")/.."
recipe=$1; epochs=$2; shift 2
java "$@" -jar target/torch4j.jar train --recipe "$recipe" --data /usr/share/datasets/fashion-mnist --valid 0 --threads 2 --seed 42 \
  --epochs "$epochs" --out "target/rss-time/$recipe" > "target/rss-time-$recipe.log" 2>&1 &
pid=$!
t=0
while kill -0 $pid 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status 2>/dev/null)
  [ -n "$rss" ] && echo "t=${t}s rss ${rss} MiB"
  sleep 1; t=$((t + 1))
done
grep -E "^epoch" "target/rss-time-$recipe.log"
