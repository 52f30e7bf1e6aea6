# PyTorch side of benchmarks/OpsProbe.java: s0-cnn layers op by op at batch 512, 2 threads. /usr/bin/python3 benchmarks/ops_pytorch.py
import sys, time, os, torch
torch.set_num_threads(2)
B = 512; N = 200
layers = [(1,4,28),(4,8,14),(8,16,7),(16,32,4),(32,64,2),(64,10,1)]
def tm(f):
    for _ in range(10): f()
    ts=[]
    for _ in range(N):
        t=time.perf_counter(); f(); ts.append(time.perf_counter()-t)
    ts.sort(); return ts[N//2]*1e3
tot=0
for i,(ci,co,s) in enumerate(layers):
    x = torch.randn(B,ci,s,s); w = torch.randn(co,ci,3,3); b = torch.randn(co)
    y = torch.nn.functional.conv2d(x,w,b,2,1); gy = torch.randn_like(y)
    mask = [i>0, True, True]
    f = tm(lambda: torch.nn.functional.conv2d(x,w,b,2,1))
    bw = tm(lambda: torch.ops.aten.convolution_backward(gy,x,w,[co],[2,2],[1,1],[1,1],False,[0,0],1,mask))
    g = torch.ones(co); bb = torch.zeros(co); rm = torch.zeros(co); rv = torch.ones(co)
    bnf = tm(lambda: torch.native_batch_norm(y,g,bb,rm,rv,True,0.1,1e-5))
    _, sm, si = torch.native_batch_norm(y,g,bb,rm,rv,True,0.1,1e-5)
    bnb = tm(lambda: torch.ops.aten.native_batch_norm_backward(gy,y,g,rm,rv,sm,si,True,1e-5,[True,True,True]))
    tot += f+bw+bnf+bnb
    print(f"layer {i} {ci}->{co} {s}x{s} -> {tuple(y.shape)}: conv fwd {f:.3f} bwd {bw:.3f} | bn fwd {bnf:.3f} bwd {bnb:.3f} ms")
print(f"total {tot:.2f} ms")
