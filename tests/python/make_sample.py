"""Writes the Fashion-MNIST sample embedded in torch4j's jar (java/dev/torch4j/data/sample/): the first 6,000
training and 1,000 test images and labels, as gzipped IDX files. Needs Debian's dataset-fashion-mnist.
    /usr/bin/python3 tests/python/make_sample.py"""
import gzip
import os
import struct

SRC = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "java", "dev", "torch4j", "data", "sample")


def cut(name, n):
    with gzip.open(f"{SRC}/{name}.gz", "rb") as f:
        b = f.read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    per = 1
    for d in dims[1:]:
        per *= d
    header = b[:4] + struct.pack(">I", n) + b[8:4 + 4 * nd]
    with gzip.GzipFile(os.path.join(OUT, f"{name}.gz"), "wb", mtime=0) as f:
        f.write(header + b[4 + 4 * nd:4 + 4 * nd + n * per])


if __name__ == "__main__":
    for name, n in [("train-images-idx3-ubyte", 6000), ("train-labels-idx1-ubyte", 6000),
                    ("t10k-images-idx3-ubyte", 1000), ("t10k-labels-idx1-ubyte", 1000)]:
        cut(name, n)
    print("sample written to", os.path.normpath(OUT))
