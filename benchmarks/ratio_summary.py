"""Per-recipe torch4j / PyTorch ratios from the output of benchmarks/epoch_ratio.sh (lines "RECIPE torch4j|pytorch
SECONDS ACCURACY", each torch4j line followed by its PyTorch line): every round's ratio and their median.
Usage: python3 benchmarks/ratio_summary.py LOG"""
import statistics, sys

rows, last = {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 3 and f[1] in ("torch4j", "pytorch"):
        try:
            seconds = float(f[2])
        except ValueError:
            continue
        if f[1] == "torch4j":
            last[f[0]] = seconds
        elif f[0] in last:
            rows.setdefault(f[0], []).append((last.pop(f[0]), seconds))
for recipe, pairs in rows.items():
    ratios = [t / p for t, p in pairs]
    print(f"{recipe:9s} torch4j {' / '.join(f'{t:.2f}' for t, _ in pairs)} s, PyTorch {' / '.join(f'{p:.2f}' for _, p in pairs)} s,"
          f" ratios {' / '.join(f'{r:.2f}' for r in ratios)}, median {statistics.median(ratios):.2f}")
