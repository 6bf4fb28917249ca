#!/usr/bin/env python3
"""Reference timing for `imvec bench extract --torch PYTHON`: a torchvision-style pipeline on
the same images and the same model.

usage: extract_torchvision.py MODEL.onnx FILES.txt OUT.json --size H W --mean M M M --std S S S
           --resize crop|stretch [--batch 32] [--workers 2] [--check-input X.npy --check-output Y.npy]

FILES.txt lists the image paths imvec timed, one a line. Reading is ImageFolder's (PIL open,
convert('RGB')), preprocessing torchvision.transforms (Resize + CenterCrop for crop, Resize to
(H, W) for stretch; ToTensor; Normalize), batching a DataLoader with --workers processes.

The model is the ONNX file's own graph run with torch operators (this graph has only Conv,
BatchNormalization, Clip, GlobalAveragePool, Flatten, Gemm, Identity and Softmax), weights read
with the onnx package: the same network and weights as imvec runs, not a look-alike. With
--check-input/--check-output (imvec's preprocessed tensor for some images and its ONNX Runtime
output for them), the largest difference of the outputs is reported, proving that.

Times, in images/s and process CPU seconds (this process and its DataLoader workers):
pipeline alone (iterate the DataLoader), engine alone (forward on batches collected first), and
end to end (DataLoader feeding forward), after one untimed warm-up pass of each.
"""
import argparse
import json
import os
import time

import numpy as np
import onnx
import psutil
import torch
import torch.nn.functional as F
import torchvision
from onnx import numpy_helper
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms


class Files(Dataset):
    """ImageFolder's reading without its folder scan: the exact files imvec timed."""

    def __init__(self, paths, transform):
        self.paths = paths
        self.transform = transform

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        with open(self.paths[i], "rb") as f:
            img = Image.open(f).convert("RGB")
        return self.transform(img), 0


class OnnxAsTorch(torch.nn.Module):
    """Runs an ONNX graph node by node with torch operators."""

    def __init__(self, path, output):
        super().__init__()
        m = onnx.load(path)
        self.nodes = list(m.graph.node)
        self.weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in m.graph.initializer}
        # channels-last convolutions take oneDNN's fast path (depthwise ones about 3x faster here)
        for n in self.nodes:
            if n.op_type == "Conv":
                self.weights[n.input[1]] = self.weights[n.input[1]].contiguous(memory_format=torch.channels_last)
        self.input = m.graph.input[0].name
        self.output = output

    def forward(self, x):
        v = dict(self.weights)
        v[self.input] = x.contiguous(memory_format=torch.channels_last)
        for n in self.nodes:
            a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
            ins = [v[i] if i else None for i in n.input]
            v[n.output[0]] = self.op(n.op_type, ins, a)
            if n.output[0] == self.output:
                return v[self.output]
        return v[self.output]

    @staticmethod
    def op(kind, ins, a):
        if kind == "Conv":
            x, w = ins[0], ins[1]
            b = ins[2] if len(ins) > 2 else None
            stride, dil = a.get("strides", [1, 1]), a.get("dilations", [1, 1])
            pads = a.get("pads", [0, 0, 0, 0])
            auto = a.get("auto_pad", b"NOTSET")
            if auto in (b"SAME_UPPER", b"SAME_LOWER"):
                p = []
                for d in (0, 1):
                    size, k = x.shape[2 + d], (w.shape[2 + d] - 1) * dil[d] + 1
                    out = -(-size // stride[d])
                    total = max((out - 1) * stride[d] + k - size, 0)
                    small = total // 2
                    p.append((small, total - small) if auto == b"SAME_UPPER" else (total - small, small))
                x = F.pad(x, (p[1][0], p[1][1], p[0][0], p[0][1]))
            else:
                x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]))
            return F.conv2d(x, w, b, stride=stride, dilation=dil, groups=a.get("group", 1))
        if kind == "BatchNormalization":
            return F.batch_norm(ins[0], ins[3], ins[4], ins[1], ins[2], False, 0.0, a.get("epsilon", 1e-5))
        if kind == "Clip":
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min")
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max")
            return torch.clamp(ins[0], float(lo), float(hi))
        if kind == "GlobalAveragePool":
            return ins[0].mean(dim=(2, 3), keepdim=True)
        if kind == "Flatten":
            return torch.flatten(ins[0], a.get("axis", 1))
        if kind == "Gemm":
            x, w = ins[0], ins[1]
            if a.get("transA", 0):
                x = x.t()
            if a.get("transB", 0):
                w = w.t()
            y = a.get("alpha", 1.0) * (x @ w)
            return y + a.get("beta", 1.0) * ins[2] if len(ins) > 2 and ins[2] is not None else y
        if kind == "Identity":
            return ins[0]
        if kind == "Softmax":
            return torch.softmax(ins[0], a.get("axis", -1))
        raise SystemExit("the torch reference does not run ONNX op " + kind)


def cpu_seconds():
    """CPU seconds of this process and its live DataLoader workers (persistent, so never reaped)."""
    me = psutil.Process()
    total = 0.0
    for p in [me] + me.children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def loader(paths, tf, batch, workers):
    # persistent workers: worker start-up is paid once, in the warm-up, as a long run would.
    return DataLoader(Files(paths, tf), batch_size=batch, num_workers=workers, persistent_workers=workers > 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("files")
    ap.add_argument("out")
    ap.add_argument("--size", type=int, nargs=2, required=True)
    ap.add_argument("--mean", type=float, nargs=3, required=True)
    ap.add_argument("--std", type=float, nargs=3, required=True)
    ap.add_argument("--resize", choices=["crop", "stretch"], required=True)
    ap.add_argument("--output", default="probabilities")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--check-input")
    ap.add_argument("--check-output")
    a = ap.parse_args()
    torch.set_num_threads(os.cpu_count())
    with open(a.files, encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    h, w = a.size
    resize = [transforms.Resize(min(h, w)), transforms.CenterCrop((h, w))] if a.resize == "crop" else [transforms.Resize((h, w))]
    tf = transforms.Compose(resize + [transforms.ToTensor(), transforms.Normalize(a.mean, a.std)])
    model = OnnxAsTorch(a.model, a.output).eval()
    result = {"torch_version": torch.__version__, "torchvision_version": torchvision.__version__,
              "threads": torch.get_num_threads(), "workers": a.workers, "images": len(paths)}
    with torch.no_grad():
        if a.check_input:
            x = torch.from_numpy(np.load(a.check_input))
            y = model(x).numpy()
            result["max_output_difference"] = float(np.abs(y - np.load(a.check_output)).max())

        dl = loader(paths, tf, a.batch, a.workers)
        batches = [x for x, _ in dl]  # warm-up pass, and the tensors for the engine-only timing
        for x in batches[:2]:
            model(x)

        c0, t0 = cpu_seconds(), time.perf_counter()
        n = sum(len(x) for x, _ in dl)
        result["pipeline_seconds"], result["pipeline_cpu_seconds"] = time.perf_counter() - t0, cpu_seconds() - c0

        c0, t0 = cpu_seconds(), time.perf_counter()
        for x in batches:
            model(x)
        result["engine_seconds"], result["engine_cpu_seconds"] = time.perf_counter() - t0, cpu_seconds() - c0

        c0, t0 = cpu_seconds(), time.perf_counter()
        for x, _ in dl:
            model(x)
        result["end_to_end_seconds"], result["end_to_end_cpu_seconds"] = time.perf_counter() - t0, cpu_seconds() - c0
    result["images"] = n
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
