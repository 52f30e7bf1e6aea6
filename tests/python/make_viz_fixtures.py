"""Gabor fixtures for the interpretation tools, with Debian's scikit-image 0.19 and SciPy, as seed 002 computes them.

Run:  /usr/bin/python3 tests/python/make_viz_fixtures.py   (apt-get install python3-skimage python3-torch)
Writes tests/resources/fixtures/viz/gabor.pth: an image, and for each of seed 002's kernels (its filter bank and its
single demo) the kernel's real and imaginary parts and the response magnitude of the image.
"""
import os

import numpy as np
import torch
from scipy import ndimage as ndi
from skimage.filters import gabor_kernel

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "viz")


def magnitude(image, kernel):  # seed 002's
    image = (image - image.mean()) / image.std()
    return np.sqrt(ndi.convolve(image, np.real(kernel), mode='wrap') ** 2 +
                   ndi.convolve(image, np.imag(kernel), mode='wrap') ** 2)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(5)
    yy, xx = np.mgrid[0:28, 0:28]
    image = np.sin(xx / 3.0) * np.cos(yy / 5.0) + 0.3 * rng.random((28, 28))  # structure and noise
    params = [(0.16, 1.4, 1.2)]
    for theta in (0, 1):
        for frequency in (0.1, 0.2):
            for sigma in (1, 3):
                params.append((frequency, theta / 4. * np.pi, sigma))
    out = {"image": torch.tensor(image)}
    for i, (f, t, s) in enumerate(params):
        k = gabor_kernel(f, theta=t, sigma_x=s, sigma_y=s)
        out[f"k{i}.params"] = torch.tensor([f, t, s], dtype=torch.float64)
        out[f"k{i}.real"] = torch.tensor(np.real(k).copy())
        out[f"k{i}.imag"] = torch.tensor(np.imag(k).copy())
        out[f"k{i}.magnitude"] = torch.tensor(magnitude(image, k))
    torch.save(out, os.path.join(OUT, "gabor.pth"))
    print(len(params), "kernels")


if __name__ == "__main__":
    main()
