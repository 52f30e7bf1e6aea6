"""Generates the image-pipeline fixtures with Debian's torchvision 0.14.1 + Pillow 9.4 (never needed to
run the tests):
    apt-get install python3-torchvision
    /usr/bin/python3 tests/python/make_image_fixtures.py
Writes tests/resources/fixtures/images/: small JPEG/PNG files of every colour type, decoded.safetensors
(each file as Pillow's Image.open(f).convert("RGB") sees it), and transforms.safetensors +
transforms.json (torchvision's functional transforms with fixed parameters on photo.png, as float
tensors after ToTensor)."""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import save_safetensors  # noqa: E402

OUT = os.path.join(HERE, "..", "resources", "fixtures", "images")


def photo(h, w, seed):
    """A photo-like test card: gradients, a disc, stripes and noise, so that every transform shows."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255 * x / (w - 1)
    g = 128 + 100 * np.sin(x / 3.0) * np.cos(y / 4.0)
    b = np.where((x - w * 0.6) ** 2 + (y - h * 0.4) ** 2 < (min(h, w) * 0.3) ** 2, 230.0, 40.0)
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (h, w, 3))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def write_png(path, img, interlace):
    """A PNG written by hand (Pillow writes neither Adam7 nor 16-bit RGB): colour type 2, 8 or 16 bits."""
    import struct
    import zlib
    h, w, _ = img.shape
    depth = 16 if img.dtype == np.uint16 else 8
    data = img.astype(">u2" if depth == 16 else np.uint8)
    passes = [(0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1)] \
        if interlace else [(0, 0, 1, 1)]
    raw = b""
    for y0, x0, dy, dx in passes:
        sub = data[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        for row in sub:
            raw += b"\x00" + row.tobytes()

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, 2, 0, 0, 1 if interlace else 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw)))
        f.write(chunk(b"IEND", b""))


def main():
    os.makedirs(OUT, exist_ok=True)
    rgb = photo(37, 53, 1)
    files = {}

    def save(name, img, **kw):
        path = os.path.join(OUT, name)
        img.save(path, **kw)
        files[name] = path

    save("photo.png", Image.fromarray(rgb))
    save("rgb.jpg", Image.fromarray(rgb), quality=90)
    save("gray.jpg", Image.fromarray(rgb).convert("L"), quality=90)
    save("cmyk.jpg", Image.fromarray(rgb).convert("CMYK"), quality=90)
    save("progressive.jpg", Image.fromarray(rgb), quality=85, progressive=True)
    save("gray.png", Image.fromarray(rgb).convert("L"))
    save("gray-alpha.png", Image.fromarray(rgb).convert("LA"))
    alpha = np.dstack([rgb, (np.arange(53)[None, :] * 4 % 256).repeat(37, 0).astype(np.uint8)])
    save("rgba.png", Image.fromarray(alpha, "RGBA"))
    save("palette.png", Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=16))
    save("bilevel.png", Image.fromarray(rgb).convert("1"))
    write_png(os.path.join(OUT, "interlaced.png"), rgb, interlace=True)
    write_png(os.path.join(OUT, "rgb16.png"), rgb.astype(np.uint16) * 256 + 200, interlace=False)
    files["interlaced.png"] = os.path.join(OUT, "interlaced.png")
    files["rgb16.png"] = os.path.join(OUT, "rgb16.png")

    decoded = {}
    for name, path in sorted(files.items()):
        decoded[name] = torch.from_numpy(np.array(Image.open(path).convert("RGB")))
    save_safetensors(decoded, os.path.join(OUT, "decoded.safetensors"))

    # Transforms with fixed parameters (the random ones draw these, so this checks their arithmetic).
    src = Image.open(files["photo.png"]).convert("RGB")
    BIL = InterpolationMode.BILINEAR
    cases = [
        ("resize_down", [{"op": "resize", "h": 17, "w": 23}], F.resize(src, [17, 23], BIL)),
        ("resize_up", [{"op": "resize", "h": 60, "w": 71}], F.resize(src, [60, 71], BIL)),
        ("resize_mixed", [{"op": "resize", "h": 50, "w": 20}], F.resize(src, [50, 20], BIL)),
        ("resize_shorter", [{"op": "resize", "h": 20, "w": 0}], F.resize(src, 20, BIL)),
        ("center_crop", [{"op": "center_crop", "h": 21, "w": 30}], F.center_crop(src, [21, 30])),
        ("center_crop_pad", [{"op": "center_crop", "h": 40, "w": 60}], F.center_crop(src, [40, 60])),
        ("crop", [{"op": "crop", "top": 3, "left": 5, "h": 20, "w": 25}], F.crop(src, 3, 5, 20, 25)),
        ("resized_crop", [{"op": "crop", "top": 4, "left": 9, "h": 30, "w": 33}, {"op": "resize", "h": 16, "w": 16}],
         F.resized_crop(src, 4, 9, 30, 33, [16, 16], BIL)),
        ("hflip", [{"op": "hflip"}], F.hflip(src)),
        ("grayscale1", [{"op": "grayscale", "channels": 1}], F.rgb_to_grayscale(src, 1)),
        ("grayscale3", [{"op": "grayscale", "channels": 3}], F.rgb_to_grayscale(src, 3)),
        ("rotate_33", [{"op": "rotate", "angle": 33.3, "fill": [0, 0, 0]}], F.rotate(src, 33.3, fill=0)),
        ("rotate_neg17_fill", [{"op": "rotate", "angle": -17.0, "fill": [10, 20, 30]}], F.rotate(src, -17.0, fill=[10, 20, 30])),
        ("shear_20", [{"op": "affine", "angle": 0, "tx": 0, "ty": 0, "scale": 1, "shear_x": 20, "shear_y": 0}],
         F.affine(src, angle=0.0, translate=[0, 0], scale=1.0, shear=[20.0, 0.0])),
        ("affine_all", [{"op": "affine", "angle": 10, "tx": 3, "ty": -2, "scale": 1.1, "shear_x": 5, "shear_y": 7}],
         F.affine(src, angle=10.0, translate=[3, -2], scale=1.1, shear=[5.0, 7.0])),
        ("brightness_up", [{"op": "adjust", "which": "brightness", "factor": 1.2}], F.adjust_brightness(src, 1.2)),
        ("brightness_down", [{"op": "adjust", "which": "brightness", "factor": 0.7}], F.adjust_brightness(src, 0.7)),
        ("contrast_up", [{"op": "adjust", "which": "contrast", "factor": 1.3}], F.adjust_contrast(src, 1.3)),
        ("contrast_down", [{"op": "adjust", "which": "contrast", "factor": 0.8}], F.adjust_contrast(src, 0.8)),
        ("saturation_up", [{"op": "adjust", "which": "saturation", "factor": 1.25}], F.adjust_saturation(src, 1.25)),
        ("saturation_down", [{"op": "adjust", "which": "saturation", "factor": 0.7}], F.adjust_saturation(src, 0.7)),
        ("hue_pos", [{"op": "adjust", "which": "hue", "factor": 0.1}], F.adjust_hue(src, 0.1)),
        ("hue_neg", [{"op": "adjust", "which": "hue", "factor": -0.05}], F.adjust_hue(src, -0.05)),
        ("seed002_val", [{"op": "resize", "h": 30, "w": 30}, {"op": "to_tensor"},
                         {"op": "normalize", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}], None),
    ]
    tensors, spec = {}, []
    for name, steps, out in cases:
        if out is None:  # ToTensor + Normalize on the tensor itself
            t = F.normalize(F.to_tensor(F.resize(src, [30, 30], BIL)), [0.5] * 3, [0.5] * 3)
        else:
            t = F.to_tensor(out)
        tensors[name] = t.contiguous()
        spec.append({"name": name, "source": "photo.png", "steps": steps})

    # seed 003: a 28x28 grey image (8-bit) rotated by 25 degrees with fill 0, then ToTensor + Normalize.
    digit = photo(28, 28, 2)[:, :, 1]
    tensors["mnist_input"] = torch.from_numpy(digit.copy())
    rot = F.rotate(Image.fromarray(digit, "L"), 25.0, fill=(0,))
    tensors["mnist_rotate_25"] = F.normalize(F.to_tensor(rot), [0.2860], [0.3530]).contiguous()
    spec.append({"name": "mnist_rotate_25", "source": "mnist_input",
                 "steps": [{"op": "rotate", "angle": 25.0, "fill": [0, 0, 0]}, {"op": "to_tensor"},
                           {"op": "normalize", "mean": [0.2860], "std": [0.3530]}]})
    save_safetensors(tensors, os.path.join(OUT, "transforms.safetensors"))
    with open(os.path.join(OUT, "transforms.json"), "w") as f:
        json.dump(spec, f, indent=1)
    print("wrote", len(files), "images and", len(spec), "transform cases to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
