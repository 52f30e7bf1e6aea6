"""Distributions of torchvision's random transform parameters, for SamplingTest.

Draws N parameter sets from torchvision 0.14's own get_params (RandomResizedCrop, RandomAffine, ColorJitter,
RandomRotation) and writes, per parameter, its mean, its standard deviation and its frequencies in bins whose
edges are torchvision's deciles. torch4j's pipeline draws as many sets with its own random streams; the test
compares the two within sampling error. Run: /usr/bin/python3 tests/python/make_sampling_fixtures.py
"""
import json
import math
import os

import torch
import torchvision.transforms as T

N = 20000
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "sampling.json")


def summary(values):
    t = torch.tensor(values, dtype=torch.float64)
    qs = torch.quantile(t, torch.linspace(0.1, 0.9, 9, dtype=torch.float64)).tolist()
    edges = sorted(set(qs))
    counts = [0] * (len(edges) + 1)
    for v in values:
        k = 0
        while k < len(edges) and v >= edges[k]:
            k += 1
        counts[k] += 1
    return {"mean": t.mean().item(), "std": t.std().item(), "edges": edges, "freq": [c / len(values) for c in counts]}


def main():
    torch.manual_seed(0)
    cases = {}

    def rrc(name, h, w, scale, ratio):
        img = torch.zeros(3, h, w)
        draws = [T.RandomResizedCrop.get_params(img, list(scale), list(ratio)) for _ in range(N)]
        cases[name] = {"h": h, "w": w, "scale": list(scale), "ratio": list(ratio),
                       "params": {k: summary([d[i] for d in draws]) for i, k in enumerate(["top", "left", "height", "width"])}}

    rrc("rrc_default", 100, 80, (0.08, 1.0), (3 / 4, 4 / 3))
    rrc("rrc_seed002", 150, 150, (0.8, 1.2), (3 / 4, 4 / 3))  # scale above 1: many fall back to the centre

    def affine(name, h, w, degrees, translate, scale, shear):
        t = T.RandomAffine(degrees, translate=translate, scale=scale, shear=shear)
        draws = []
        for _ in range(N):
            angle, (tx, ty), sc, (sx, sy) = T.RandomAffine.get_params(t.degrees, t.translate, t.scale, t.shear, [w, h])
            draws.append((angle, tx, ty, sc, sx, sy))
        cases[name] = {"h": h, "w": w, "degrees": list(t.degrees), "translate": list(translate or (0, 0)),
                       "scale": list(scale or (1, 1)), "shear": list(t.shear) + ([0.0, 0.0] if len(t.shear) == 2 else []),
                       "params": {k: summary([d[i] for d in draws])
                                  for i, k in enumerate(["angle", "tx", "ty", "scale", "shear_x", "shear_y"])
                                  if len(set(d[i] for d in draws)) > 1}}

    affine("affine_full", 60, 90, 10, (0.1, 0.2), (0.9, 1.1), (-5, 5, -10, 10))
    affine("affine_seed002", 150, 150, 0, None, None, 20)

    cj = T.ColorJitter(0.2, 0.3, 0.4, 0.1)
    perms, factors = {}, [[], [], [], []]
    for _ in range(N):
        idx, b, c, s, h = T.ColorJitter.get_params(cj.brightness, cj.contrast, cj.saturation, cj.hue)
        key = "".join(str(int(i)) for i in idx)
        perms[key] = perms.get(key, 0) + 1
        for k, v in enumerate((b, c, s, h)):
            factors[k].append(v)
    cases["jitter"] = {"brightness": 0.2, "contrast": 0.3, "saturation": 0.4, "hue": 0.1,
                       "orders": {k: v / N for k, v in sorted(perms.items())},
                       "params": {k: summary(factors[i]) for i, k in enumerate(["brightness", "contrast", "saturation", "hue"])}}

    rot = T.RandomRotation(40)
    cases["rotation"] = {"degrees": list(rot.degrees),
                         "params": {"angle": summary([T.RandomRotation.get_params(rot.degrees) for _ in range(N)])}}

    with open(OUT, "w") as f:
        json.dump({"n": N, "torch": torch.__version__, "cases": cases}, f, indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
