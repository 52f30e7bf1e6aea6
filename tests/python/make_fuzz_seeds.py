# Makes the small seed files of the Java fuzz tests (tests/java/dev/torch4j/fuzz/ReaderFuzzTest.java) that are not
# copies of other fixtures: a legacy (pre-1.6) .pth, and the heads of Fashion-MNIST's IDX files, plain and gzip.
# Run from the project root with Debian's python3-torch: /usr/bin/python3 tests/python/make_fuzz_seeds.py
import gzip, os, collections
import torch

root = "tests/resources/dev/torch4j/fuzz/ReaderFuzzTestInputs"
torch.manual_seed(0)
state = collections.OrderedDict([("conv.weight", torch.randn(2, 1, 3, 3)), ("conv.bias", torch.randn(2)),
                                 ("bn.num_batches_tracked", torch.tensor(3))])
torch.save(state, os.path.join(root, "pthFiles", "legacy.pth"), _use_new_zipfile_serialization=False)
torch.save(state, os.path.join(root, "pthFiles", "zip.pth"))

sample = "java/dev/torch4j/data/sample"
images = gzip.open(os.path.join(sample, "t10k-images-idx3-ubyte.gz")).read()
labels = gzip.open(os.path.join(sample, "t10k-labels-idx1-ubyte.gz")).read()
# two images: the header announces 1,000, so the reader must refuse the rest as truncated
open(os.path.join(root, "idx", "images-head"), "wb").write(images[:16 + 2 * 784])
# a whole, consistent file of 3 labels
open(os.path.join(root, "idx", "labels3"), "wb").write(labels[:4] + (3).to_bytes(4, "big") + labels[8:11])
open(os.path.join(root, "idx", "labels3.gz"), "wb").write(gzip.compress(labels[:4] + (3).to_bytes(4, "big") + labels[8:11]))
