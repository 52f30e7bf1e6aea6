"""PyTorch 1.13 side of benchmarks/BatchNormProbe.java. Usage: /usr/bin/python3 benchmarks/batch_norm_pytorch.py"""
import torch, time
torch.set_num_threads(2)
def tm(f):
    for _ in range(20): f()
    t=[]
    for _ in range(200):
        t0=time.perf_counter(); f(); t.append((time.perf_counter()-t0)*1e3)
    return sorted(t)[100]
for r in range(2):
    tot=0; s=""
    for c,h in [(4,14),(8,7),(16,4),(32,2),(64,1),(10,1)]:
        x=torch.randn(512,c,h,h,requires_grad=True); g=torch.ones(c,requires_grad=True); b=torch.zeros(c,requires_grad=True)
        rm=torch.zeros(c); rv=torch.ones(c); gy=torch.randn(512,c,h,h)
        def f():
            y=torch.batch_norm(x,g,b,rm,rv,True,0.1,1e-5,False); y.mul(gy).sum().backward()
        t=tm(f); tot+=t; s+=f" {c}@{h} {t:.3f}"
    print(f"pytorch bn fwd+bwd{s} total {tot:.3f} ms")
