"""Epoch times of one recipe in torch4j and in PyTorch 1.13 measured in lockstep: both processes run side by side,
but only one at a time. The driver stops one (SIGSTOP), lets the other run for a short slice, and swaps, so both see
the same machine within a fraction of a second. This machine's speed drifts by up to 2x within minutes, so runs
taken one after the other (benchmarks/epoch_ratio.sh) disagree with themselves by up to 0.3 in their ratio.
Each epoch's time is the running time (slices only) between two epoch lines. The first epoch is left out of the
ratio (it carries the JVM's warm-up and start-up work); epochs that end after the other side has finished ran
alone: they are marked "solo" and left out too, so run enough epochs for the slower side to finish two or more
while the faster one still runs (the median of each side's interleaved epochs makes the ratio).
Usage: python3 benchmarks/lockstep.py RECIPE [--epochs 3] [--slice 0.25] [--threads 2] [--against OTHER.jar]
       [--args 'OPTIONS'] [--against-args 'OPTIONS']
--against compares target/torch4j.jar with another build of torch4j instead of PyTorch (a before/after A/B);
--args adds options to torch4j's train command, --against-args to the other torch4j's (an A/B of two settings).
The other jar needs a file name of its own (e.g. torch4j-before.jar): JavaCPP's native cache is named after the jar.
Needs target/torch4j.jar (mvn -DskipTests package), Debian's python3-torch and the dataset-fashion-mnist package."""
import argparse, os, re, select, signal, statistics, subprocess, sys, time

args = argparse.ArgumentParser(description="torch4j against PyTorch (or another torch4j build), epochs in lockstep")
args.add_argument("recipe")
args.add_argument("--epochs", type=int, default=3)
args.add_argument("--slice", type=float, default=0.25, help="seconds each side runs before the other's turn")
args.add_argument("--threads", default="2")
args.add_argument("--against", help="another torch4j jar: compare with it instead of PyTorch")
args.add_argument("--args", default="", help="more options for torch4j's train command, e.g. '--memory-format channels-last'")
args.add_argument("--against-args", help="options for the other side's train command: compares torch4j with itself "
                  "(or with --against's jar) run with these options")
opts = args.parse_args()
recipe, epochs, slice_s, threads = opts.recipe, opts.epochs, opts.slice, opts.threads
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def torch4j(jar, extra):
    return ["java", "-jar", jar, "train", "--recipe", recipe, "--data", "/usr/share/datasets/fashion-mnist",
            "--valid", "0", "--threads", threads, "--seed", "42", "--device", "cpu", "--epochs", str(epochs)] + extra.split()


jar = os.path.join(root, "target", "torch4j.jar")
torch4j_other = opts.against is not None or opts.against_args is not None
other = "other" if torch4j_other else "pytorch"
commands = {
    "torch4j": torch4j(jar, opts.args),
    other: torch4j(opts.against or jar, opts.against_args or "") if torch4j_other else
    ["/usr/bin/python3", os.path.join(root, "benchmarks", "recipe_epochs_pytorch.py"), recipe, str(epochs)],
}
EPOCH = re.compile(r"^epoch (\d+)/\d+")
# Each in a session of its own: a stopped process in the driver's process group would get SIGHUP when that group
# becomes orphaned (the driver started in the background by a shell that has exited), which ends it.
procs = {k: subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=dict(os.environ, THREADS=threads), start_new_session=True)
         for k, c in commands.items()}
for p in procs.values():
    os.kill(p.pid, signal.SIGSTOP)
ran = {k: 0.0 for k in procs}      # running seconds so far
ends = {k: [] for k in procs}      # (epoch, running seconds at its line, solo?)
buffers = {k: b"" for k in procs}
done = set()


def drain(name, now_running):
    """Reads what the process wrote; returns False at its end of output."""
    data = os.read(procs[name].stdout.fileno(), 65536)
    if not data:
        return False
    buffers[name] += data
    *lines, buffers[name] = buffers[name].split(b"\n")
    for raw in lines:
        line = raw.decode(errors="replace")
        m = EPOCH.match(line)
        if m:
            ends[name].append((int(m.group(1)), now_running, len(done) > 0))
        print(f"[{name} {now_running:7.2f}s] {line}", flush=True)
    return True


order = ["torch4j", other]
turn = 0
try:
    while len(done) < len(procs):
        name = order[turn % 2]
        turn += 1
        if name in done:
            continue
        os.kill(procs[name].pid, signal.SIGCONT)
        start = time.perf_counter()
        fd = procs[name].stdout.fileno()
        alive = True
        while alive and time.perf_counter() - start < slice_s:
            ready, _, _ = select.select([fd], [], [], max(0.0, slice_s - (time.perf_counter() - start)))
            if ready:
                alive = drain(name, ran[name] + time.perf_counter() - start)
        if alive:
            os.kill(procs[name].pid, signal.SIGSTOP)
        ran[name] += time.perf_counter() - start
        if not alive:
            procs[name].wait()
            done.add(name)
            if procs[name].returncode != 0:
                sys.exit(f"{name} failed with exit code {procs[name].returncode}")
finally:  # a failure or Ctrl-C must not leave a stopped process behind
    for p in procs.values():
        if p.poll() is None:
            p.kill()
            p.wait()

epoch_times = {}
for name, rows in ends.items():
    times = []
    for (e0, t0, _), (e1, t1, solo) in zip(rows, rows[1:]):
        times.append((e1, t1 - t0, solo))
    epoch_times[name] = times
    print(f"{recipe} {name} epochs " + ", ".join(f"{e}: {t:.2f}s{' solo' if s else ''}" for e, t, s in times))
interleaved = {name: [t for e, t, solo in times if not solo] for name, times in epoch_times.items()}
if all(interleaved.values()):
    ours, theirs = (statistics.median(interleaved[k]) for k in ("torch4j", other))
    label = " ".join(filter(None, [opts.against, opts.against_args])) or "PyTorch"
    print(f"{recipe} lockstep median epoch (epochs after the first, interleaved: {len(interleaved['torch4j'])} torch4j, "
          f"{len(interleaved[other])} {label}): torch4j {ours:.2f} s, {label} {theirs:.2f} s, ratio {ours / theirs:.2f}")
else:
    print(f"{recipe} lockstep: one side has no interleaved epoch after its first; run more epochs")
