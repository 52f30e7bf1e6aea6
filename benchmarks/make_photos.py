"""Writes N photo-like 500x375 JPEGs (quality 90) in two class folders for the pipeline benchmark.
Usage: /usr/bin/python3 benchmarks/make_photos.py DIR [N]"""
import os
import sys

import numpy as np
from PIL import Image

root, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000
rng = np.random.default_rng(0)
y, x = np.mgrid[0:375, 0:500].astype(np.float32)
for i in range(n):
    cls = "cats" if i % 2 == 0 else "dogs"
    os.makedirs(os.path.join(root, cls), exist_ok=True)
    cx, cy, r = rng.uniform(100, 400), rng.uniform(80, 300), rng.uniform(40, 150)
    disc = ((x - cx) ** 2 + (y - cy) ** 2 < r * r).astype(np.float32)
    img = np.stack([x / 2 + 60 * disc, y / 2 + 80 * np.sin(x / (10 + i % 7)), 200 * disc + 30], -1)
    img += rng.normal(0, 8, img.shape).astype(np.float32)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(os.path.join(root, cls, f"{i}.jpg"), quality=90)
