"""Generates torch4j's reference fixtures with Debian's PyTorch 1.13.1 (never needed to run the tests):
    apt-get install python3-torch python3-torchvision
    /usr/bin/python3 tests/python/make_fixtures.py
Writes tests/resources/fixtures/{layers.safetensors, seed_state_dicts.json, init.safetensors,
optim.safetensors, schedulers.json, losses.safetensors}."""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "fixtures")
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "reference"))
from seed_models import MODELS  # noqa: E402

CODES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8", torch.bool: "BOOL"}


def save_safetensors(tensors, path):
    """The safetensors format written by hand, so that torch4j's reader is checked against an independent writer."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().tobytes()
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def layers():
    torch.manual_seed(1234)
    out = {}

    def conv_case(name, x, **kw):
        conv = nn.Conv2d(x.shape[1], kw.pop("out"), kw.pop("k"), **kw)
        out[f"{name}.input"] = x
        out[f"{name}.weight"] = conv.weight
        if conv.bias is not None:
            out[f"{name}.bias"] = conv.bias
        out[f"{name}.output"] = conv(x)

    conv_case("conv_basic", torch.randn(2, 3, 7, 6), out=4, k=3)
    conv_case("conv_stride_pad", torch.randn(2, 3, 9, 8), out=5, k=3, stride=2, padding=1)
    conv_case("conv_dilation", torch.randn(1, 2, 10, 10), out=3, k=3, dilation=2, padding=(1, 2))
    conv_case("conv_groups_nobias", torch.randn(2, 4, 6, 6), out=6, k=3, groups=2, bias=False)
    conv_case("conv_same", torch.randn(2, 1, 8, 8), out=3, k=3, padding="same")
    conv_case("conv_rect", torch.randn(1, 2, 7, 9), out=2, k=(3, 5), stride=(1, 2))

    lin = nn.Linear(5, 3)
    x = torch.randn(4, 5)
    out.update({"linear.input": x, "linear.weight": lin.weight, "linear.bias": lin.bias, "linear.output": lin(x)})

    x = torch.randn(2, 3, 9, 7)
    out["pool.input"] = x
    out["pool.max2"] = F.max_pool2d(x, 2)
    out["pool.max3s2p1"] = F.max_pool2d(x, 3, stride=2, padding=1)
    out["pool.avg2"] = F.avg_pool2d(x, 2)
    out["pool.avg3s1"] = F.avg_pool2d(x, 3, stride=1)
    out["pool.adaptive1"] = F.adaptive_avg_pool2d(x, 1)
    out["pool.adaptive2x3"] = F.adaptive_avg_pool2d(x, (2, 3))

    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(3))
        bn.bias.copy_(torch.randn(3))
    out["bn.weight"], out["bn.bias"] = bn.weight.clone(), bn.bias.clone()
    x1, x2 = torch.randn(4, 3, 5, 5) * 2 + 1, torch.randn(4, 3, 5, 5)
    out["bn.input1"], out["bn.input2"] = x1, x2
    bn.train()
    out["bn.train_output1"] = bn(x1)
    out["bn.train_output2"] = bn(x2)
    out["bn.running_mean"], out["bn.running_var"] = bn.running_mean.clone(), bn.running_var.clone()
    out["bn.num_batches_tracked"] = bn.num_batches_tracked.clone()
    bn.eval()
    out["bn.eval_output"] = bn(x1)

    x = torch.randn(3, 6)
    out["act.input"] = x
    out["act.relu"] = F.relu(x)
    out["act.leaky_relu"] = F.leaky_relu(x, 0.1)
    out["act.sigmoid"] = torch.sigmoid(x)
    out["act.tanh"] = torch.tanh(x)
    out["act.softmax"] = F.softmax(x, 1)
    out["act.log_softmax"] = F.log_softmax(x, 1)
    out["act.dropout_eval"] = F.dropout(x, 0.5, training=False)

    # one backward pass of a small net: conv-bn-relu-pool-flatten-linear, cross-entropy
    net = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 5))
    x = torch.randn(3, 2, 6, 6, requires_grad=True)
    y = torch.tensor([0, 4, 2])
    net.train()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    out["net.input"], out["net.target"], out["net.loss"] = x.detach(), y, loss.detach()
    out["net.input_grad"] = x.grad
    for k, v in net.state_dict().items():
        out[f"net.param.{k}"] = v
    for k, p in net.named_parameters():
        out[f"net.grad.{k}"] = p.grad
    return out


def init_fixture():
    # PyTorch's default initialisation drawn after manual_seed(42): torch4j must draw the same numbers.
    torch.manual_seed(42)
    lin = nn.Linear(6, 4)
    conv = nn.Conv2d(3, 2, 3)
    return {"linear.weight": lin.weight, "linear.bias": lin.bias, "conv.weight": conv.weight, "conv.bias": conv.bias}


def seed_keys():
    out = {}
    for name, (make, shape) in MODELS.items():
        if "vgg" in name or "resnet" in name:
            continue
        m = make()
        out[name] = {"params": sum(p.numel() for p in m.parameters()),
                     "state_dict": [[k, list(v.shape)] for k, v in m.state_dict().items()]}
    return out


OPTIMIZERS = {  # name -> constructor; three steps each on the same parameter and gradients
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "sgd_dampening_wd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "adam": lambda p: torch.optim.Adam(p, lr=1e-3),
    "adam_wd": lambda p: torch.optim.Adam(p, lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    "adam_amsgrad": lambda p: torch.optim.Adam(p, lr=1e-2, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.1),
    "adamw_amsgrad": lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.05, amsgrad=True),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-2),
    "rmsprop_full": lambda p: torch.optim.RMSprop(p, lr=1e-2, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.5, centered=True),
}


def optim():
    torch.manual_seed(7)
    start = torch.randn(4, 3)
    grads = [torch.randn(4, 3) for _ in range(3)]
    out = {"start": start, "grad0": grads[0], "grad1": grads[1], "grad2": grads[2]}
    for name, make in OPTIMIZERS.items():
        p = start.clone().requires_grad_(True)
        opt = make([p])
        for i, g in enumerate(grads):
            p.grad = g.clone()
            opt.step()
            out[f"{name}.step{i}"] = p.detach().clone()
    return out


def schedulers():
    def run(make, epochs=12, metrics=None):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        s = make(opt)
        lrs = []
        for e in range(epochs):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            s.step(metrics[e]) if metrics else s.step()
        return lrs
    S = torch.optim.lr_scheduler
    plateau_metrics = [1.0, 0.9, 0.95, 0.96, 0.97, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98]
    return {
        "step_5_0.1": run(lambda o: S.StepLR(o, 5, 0.1), 25),
        "multistep_3_7_0.5": run(lambda o: S.MultiStepLR(o, [3, 7], 0.5)),
        "exponential_0.9": run(lambda o: S.ExponentialLR(o, 0.9)),
        "cosine_10_0.001": run(lambda o: S.CosineAnnealingLR(o, 10, 0.001), 25),
        "plateau_min_p2_f0.5": run(lambda o: S.ReduceLROnPlateau(o, "min", factor=0.5, patience=2), 15, plateau_metrics),
        "plateau_max_p1_cd1": run(lambda o: S.ReduceLROnPlateau(o, "max", factor=0.1, patience=1, cooldown=1, min_lr=1e-4), 15,
                                  [1 - m for m in plateau_metrics]),
    }


def losses():
    torch.manual_seed(11)
    logits = torch.randn(6, 4, requires_grad=True)
    target = torch.tensor([0, 3, 1, 1, 2, 3])
    weight = torch.tensor([1.0, 2.0, 0.5, 1.5])
    out = {"logits": logits.detach(), "target": target, "weight": weight}

    def case(name, fn, x):
        if x.grad is not None:
            x.grad = None
        v = fn()
        v.backward()
        out[f"{name}.value"] = v.detach()
        out[f"{name}.grad"] = x.grad.clone()

    case("ce_mean", lambda: F.cross_entropy(logits, target), logits)
    case("ce_sum", lambda: F.cross_entropy(logits, target, reduction="sum"), logits)
    case("ce_weight", lambda: F.cross_entropy(logits, target, weight=weight), logits)
    case("ce_smooth", lambda: F.cross_entropy(logits, target, label_smoothing=0.1), logits)
    case("ce_weight_smooth", lambda: F.cross_entropy(logits, target, weight=weight, label_smoothing=0.2), logits)
    case("nll", lambda: F.nll_loss(F.log_softmax(logits, 1), target), logits)
    z = torch.randn(5, 1, requires_grad=True)
    y = torch.tensor([[1.0], [0.0], [1.0], [1.0], [0.0]])
    out["bin_logits"], out["bin_target"] = z.detach(), y
    case("bce_logits", lambda: F.binary_cross_entropy_with_logits(z, y), z)
    case("bce_logits_sum", lambda: F.binary_cross_entropy_with_logits(z, y, reduction="sum"), z)
    case("bce", lambda: F.binary_cross_entropy(torch.sigmoid(z), y), z)
    a = torch.randn(3, 4, requires_grad=True)
    b = torch.randn(3, 4)
    out["mse_input"], out["mse_target"] = a.detach(), b
    case("mse", lambda: F.mse_loss(a, b), a)
    case("mse_sum", lambda: F.mse_loss(a, b, reduction="sum"), a)
    return out


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    save_safetensors(layers(), os.path.join(OUT, "layers.safetensors"))
    save_safetensors(init_fixture(), os.path.join(OUT, "init.safetensors"))
    with open(os.path.join(OUT, "seed_state_dicts.json"), "w") as f:
        json.dump(seed_keys(), f, indent=1)
    save_safetensors(optim(), os.path.join(OUT, "optim.safetensors"))
    save_safetensors(losses(), os.path.join(OUT, "losses.safetensors"))
    with open(os.path.join(OUT, "schedulers.json"), "w") as f:
        json.dump(schedulers(), f, indent=1)
    print("fixtures written to", os.path.normpath(OUT), "with torch", torch.__version__)


def fmnist_slice(path="/usr/share/datasets/fashion-mnist", train=2000, test=500):
    """The first images of the real Fashion-MNIST (MIT licence, Zalando SE), as uint8, for end-to-end tests."""
    import gzip
    import numpy as np

    def idx(name):
        with gzip.open(f"{path}/{name}", "rb") as f:
            b = f.read()
        nd = b[3]
        dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
        return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)

    return {
        "train_images": torch.from_numpy(idx("train-images-idx3-ubyte.gz")[:train].copy()),
        "train_labels": torch.from_numpy(idx("train-labels-idx1-ubyte.gz")[:train].astype(np.int64)),
        "test_images": torch.from_numpy(idx("t10k-images-idx3-ubyte.gz")[:test].copy()),
        "test_labels": torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz")[:test].astype(np.int64)),
    }


if __name__ == "__main__" and os.path.isdir("/usr/share/datasets/fashion-mnist"):
    save_safetensors(fmnist_slice(), os.path.join(OUT, "fmnist-slice.safetensors"))
    print("Fashion-MNIST slice written (needs apt-get install dataset-fashion-mnist)")
