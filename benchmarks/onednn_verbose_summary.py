# Sums oneDNN's verbose log of a training-step benchmark per primitive: calls per step and median / mean time per call.
#   ONEDNN_VERBOSE=1 java -jar target/torch4j.jar bench --model s0-cnn --batch-size 512 --steps 40 --warmup 10 --threads 2 > a.log
#   (cd ../shared/reference && DNNL_VERBOSE=1 /usr/bin/python3 bench_step.py ...) > b.log   (PyTorch 1.13's oneDNN 2.6)
#   python3 benchmarks/onednn_verbose_summary.py a.log STEPS [ROWS]    STEPS: the steps the log holds, warm-up included
import collections, statistics, sys

KINDS = {"convolution", "reorder", "batch_normalization", "eltwise", "pooling", "inner_product", "matmul", "deconvolution"}
calls = collections.defaultdict(list)
steps = int(sys.argv[2])
for line in open(sys.argv[1]):
    if ",exec," not in line:
        continue
    f = line.rstrip().split(",")
    at = next((i for i, x in enumerate(f) if x in KINDS), None)
    if at is None:
        continue
    calls[(f[at], f[at + 1], f[at + 2], f[-2])].append(float(f[-1]))
rows = []
for key, t in calls.items():
    steady = t[len(t) // 3:]  # the first third holds the warm-up (primitive creation, first touches)
    rows.append((len(t) / steps * statistics.mean(steady), len(t) / steps, statistics.median(steady), statistics.mean(steady), key))
rows.sort(reverse=True)
print("ms/step (mean) | calls/step | median ms/call | mean ms/call | primitive")
for per_step, n, med, mean, key in rows[: int(sys.argv[3]) if len(sys.argv) > 3 else 15]:
    print(f"{per_step:7.3f} | {n:4.1f} | {med:7.3f} | {mean:7.3f} | {' '.join(key)}")
print(f"total oneDNN ms/step (means): {sum(r[0] for r in rows):.3f}")
