#!/usr/bin/env bash
# Does PyTorch 1.13 slow down on denormals too? ../shared/reference/recipes_fmnist.py RECIPE EPOCHS with
# torch.set_flush_denormal(False) (PyTorch's default) and (True), alternating, ROUNDS times; one JSON line per run.
# Usage: benchmarks/pytorch_flush_denormal.sh ROUNDS EPOCHS RECIPES...
set -u
cd "$(dirname "$0")/../../shared/reference"
rounds=$1 epochs=$2; shift 2
for round in $(seq "$rounds"); do
  for r in "$@"; do
    for flush in False True; do
      echo "round $round $r set_flush_denormal($flush) $(THREADS=2 /usr/bin/python3 -c "
import runpy, sys, torch
assert torch.set_flush_denormal($flush)
sys.argv = ['recipes_fmnist.py', '$r', '$epochs']
runpy.run_path('recipes_fmnist.py', run_name='__main__')" 2>/dev/null)"
    done
  done
done
