#!/usr/bin/env bash
# benchmarks/lockstep.py over every MNIST-type conv recipe (issue 15's 0.8x epoch target), enough epochs for each side to
# have interleaved ones after the first. Usage: [RECIPES="s1-a s2-gap"] benchmarks/lockstep_all.sh [lockstep.py options, e.g. --against OLD.jar]
# Prints every line of each run; the summary line of a recipe ends with "ratio R".
set -u
cd "$(dirname "$0")/.."
recipes=${RECIPES:-"s0-cnn s3-lenet s1-a s1-b s1-c s2-flat s2-gap s4-sgd s4-adam"}
for r in $recipes; do
  case $r in s0-*) epochs=10;; s2-*|s4-*) epochs=4;; *) epochs=5;; esac
  python3 benchmarks/lockstep.py "$r" --epochs "$epochs" "$@"
done
