"""Fixtures for the model zoo and the .pth reader, made with Debian's torch 1.13.1 / torchvision 0.14.1.

Run:  /usr/bin/python3 tests/python/make_zoo_fixtures.py
Writes tests/resources/fixtures/zoo/:
  keys.json              every zoo model's state-dict keys and shapes, and parameter count (torchvision, no weights)
  <case>.pth             random weights of a small model of torchvision's own classes (torch.save, zip format)
  <case>-legacy.pth      the same written in the pre-1.6 format (as the older torchvision downloads, e.g. vgg16)
  <case>-io.pth          {"input": x, "logits": eval-mode output, "train_logits": train-mode output}
  checkpoint.pth         {"epoch", "loss", "model_state_dict" (a Linear(3, 2)), "optimizer_state_dict"}; linear.pth its weights
Small models: the full ones do not fit the fixture budget (ResNet18 alone is 45 MB). ResNet cases use torchvision's
ResNet, BasicBlock, Bottleneck and _make_layer with stage widths w, 2w, 4w, 8w instead of 64..512; VGG cases use
torchvision's VGG and make_layers with a short configuration and a narrower classifier of the same layout.
"""
import json
import os

import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet
from torchvision.models.vgg import VGG, make_layers

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "zoo")


class ScaledResNet(ResNet):
    def __init__(self, block, layers, num_classes, width):
        super().__init__(block, layers, num_classes=num_classes)
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, width * 8, layers[3], stride=2)
        self.fc = nn.Linear(width * 8 * block.expansion, num_classes)


def small_vgg(cfg, batch_norm, num_classes, hidden):
    m = VGG(make_layers(cfg, batch_norm=batch_norm), num_classes=num_classes)
    channels = [c for c in cfg if c != "M"][-1]
    m.classifier = nn.Sequential(
        nn.Linear(channels * 7 * 7, hidden), nn.ReLU(True), nn.Dropout(),
        nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(),
        nn.Linear(hidden, num_classes))
    return m


def randomize(model):
    """Random weights everywhere, batch-norm statistics included (defaults would make eval-mode BN an identity)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn_like(p) * (0.5 if p.dim() == 1 else (2.0 / p[0].numel()) ** 0.5))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn_like(b) * 0.1)
            elif name.endswith("running_var"):
                b.copy_(torch.rand_like(b) + 0.5)
            elif name.endswith("num_batches_tracked"):
                b.fill_(7)


CASES = {
    "resnet-basic": lambda: ScaledResNet(BasicBlock, [2, 1, 1, 1], 5, 8),
    "resnet-bottleneck": lambda: ScaledResNet(Bottleneck, [1, 2, 1, 1], 5, 4),
    "vgg-bn": lambda: small_vgg([8, "M", 16, 16, "M", 16, "M"], True, 5, 32),
    "vgg": lambda: small_vgg([8, 8, "M", 16, "M"], False, 5, 32),
}

ZOO = ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
       "resnet18", "resnet34", "resnet50", "resnet101"]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make in CASES.items():
        torch.manual_seed(7)
        model = make()
        randomize(model)
        x = torch.randn(2, 3, 40, 44)
        sd = model.state_dict()  # an OrderedDict with _metadata, as torchvision's files
        for k in sd:
            sd[k] = sd[k].clone()
        with torch.no_grad():
            logits = model.eval()(x)
            # train mode: batch statistics (this moves the running ones; the saved state dict is from before)
            train_logits = model.train()(x) if "vgg" not in name else logits  # VGG's train mode has dropout
        torch.save(sd, os.path.join(OUT, name + ".pth"))
        torch.save(sd, os.path.join(OUT, name + "-legacy.pth"), _use_new_zipfile_serialization=False)
        torch.save({"input": x, "logits": logits, "train_logits": train_logits}, os.path.join(OUT, name + "-io.pth"))
        print(name, sum(p.numel() for p in model.parameters()), "params", tuple(logits.shape))
    # a training checkpoint as tutorials save it: model and optimizer state dicts plus plain values
    torch.manual_seed(3)
    lin = nn.Linear(3, 2)
    opt = torch.optim.SGD(lin.parameters(), lr=0.1, momentum=0.9)
    lin(torch.randn(4, 3)).sum().backward()
    opt.step()
    torch.save({"epoch": 3, "loss": 0.25, "model_state_dict": lin.state_dict(), "optimizer_state_dict": opt.state_dict()},
               os.path.join(OUT, "checkpoint.pth"))
    torch.save({"weight": lin.weight.detach(), "bias": lin.bias.detach()}, os.path.join(OUT, "linear.pth"))
    keys = {}
    for name in ZOO:
        model = getattr(torchvision.models, name)()
        keys[name] = {"params": sum(p.numel() for p in model.parameters()),
                      "state": [[k, list(v.shape)] for k, v in model.state_dict().items()]}
        feats = model.features if hasattr(model, "features") else None
        if feats is not None:
            keys[name]["features_params"] = sum(p.numel() for p in feats.parameters())
    with open(os.path.join(OUT, "keys.json"), "w") as f:
        json.dump(keys, f, indent=0)


if __name__ == "__main__":
    main()
