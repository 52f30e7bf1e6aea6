# PyTorch's side of benchmarks/DdpStepProbe.java: the median ms of a local step, a DistributedDataParallel step and
# one allreduce of the gradients' size, per rank, 2 processes on loopback (gloo), 1 thread each.
# Usage: /usr/bin/python3 benchmarks/ddp_step_pytorch.py MODEL BATCH STEPS   (MODEL: s3-lenet or s4-sgd)
import os, sys, time, statistics
import torch, torch.distributed as dist, torch.multiprocessing as mp
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "reference"))
import seed_models

def make(name):
    return {"s3-lenet": lambda: seed_models.LeNet(), "s4-sgd": lambda: seed_models.ConvNet()}[name]()

def worker(rank, world, port, name, batch, steps):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    model = make(name)
    ddp = torch.nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(batch, 1, 28, 28), torch.zeros(batch, dtype=torch.long)
    flat = torch.zeros(sum(p.numel() for p in model.parameters()))
    def step(m):
        t0 = time.perf_counter()
        opt.zero_grad()
        torch.nn.functional.cross_entropy(m(x), y).backward()
        opt.step()
        return (time.perf_counter() - t0) * 1e3
    for r in range(3):
        with ddp.no_sync():
            local = [step(ddp) for _ in range(steps)]
        par = [step(ddp) for _ in range(steps)]
        red = []
        for _ in range(steps):
            t0 = time.perf_counter(); dist.all_reduce(flat); red.append((time.perf_counter() - t0) * 1e3)
        print(f"pytorch rank {rank} round {r} {name} batch {batch} threads 1: local {statistics.median(local):.2f} ms, "
              f"data-parallel {statistics.median(par):.2f} ms, allreduce of {flat.numel()} floats {statistics.median(red):.2f} ms", flush=True)
    dist.destroy_process_group()

if __name__ == "__main__":
    name, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    mp.spawn(worker, args=(2, port, name, batch, steps), nprocs=2)
