"""../shared/reference/bench_step.py for the batch-norm models (s0-cnn, s0-catdog): the reference script sizes its
labels from a one-sample first call, which batch norm refuses in training mode; this runs the same script with a
two-sample first call and nothing else changed.
Usage: cd ../shared/reference && /usr/bin/python3 ../../main/benchmarks/bench_step_bn.py MODEL [BATCH] [STEPS] [THREADS]"""
import sys

sys.path.insert(0, ".")
source = open("bench_step.py").read()
assert "out = model(x[:1])" in source, "bench_step.py changed: check this wrapper"
sys.argv[0] = "bench_step.py"
exec(compile(source.replace("out = model(x[:1])", "out = model(x[:2])"), "bench_step.py", "exec"))
