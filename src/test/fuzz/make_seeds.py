#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the Jazzer fuzz tests (small files in each real format).

Run from the repository root; images and the ONNX seed are written by make_seeds.jsh.
Inputs Jazzer found crashing are kept beside these seeds as regression inputs.
"""
import json, os, random, struct

R = "src/test/resources/imvec"
random.seed(7)


def put(rel, data):
    path = os.path.join(R, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


data = "data/DataReadersFuzzTestInputs"
# IDX: 3 images of 4x4 unsigned bytes, raw; and a 1-d label file (wrong magic for images).
put(f"{data}/idx/images-3x4x4", struct.pack(">iiii", 0x803, 3, 4, 4) + bytes(random.randrange(256) for _ in range(48)))
put(f"{data}/idx/labels-3", struct.pack(">ii", 0x801, 3) + bytes([0, 1, 2]))
put(f"{data}/idx/empty-images", struct.pack(">iiii", 0x803, 0, 28, 28))
# CIFAR-10 binary: 2 rows of 1 label byte + 3072 pixels.
put(f"{data}/cifar/two-rows", b"".join(bytes([k]) + bytes(random.randrange(256) for _ in range(3072)) for k in (3, 7)))
# Labels CSV: with header, quoted fields, and without header.
put(f"{data}/labelsCsv/header", "path,label\ncat/a.png,cat\n\"dog/b, c.png\",dog\n")
put(f"{data}/labelsCsv/plain", "a.jpg,n01440764\nb.jpg,n01443537\n")

# .npy: float32 2x3, int64 vector, version 2 header.
def npy(descr, shape, payload, major=1):
    d = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, ", ".join(map(str, shape)) + ("," if len(shape) == 1 else ""))
    pre = 10 if major == 1 else 12
    d += " " * ((64 - (pre + len(d) + 1) % 64) % 64) + "\n"
    head = b"\x93NUMPY" + bytes([major, 0]) + (struct.pack("<H", len(d)) if major == 1 else struct.pack("<I", len(d)))
    return head + d.encode("latin1") + payload
put("store/NpyFuzzTestInputs/npy/f4-2x3", npy("<f4", (2, 3), struct.pack("<6f", *[0.5 * i for i in range(6)])))
put("store/NpyFuzzTestInputs/npy/i8-4", npy("<i8", (4,), struct.pack("<4q", 0, 1, 2, 1)))
put("store/NpyFuzzTestInputs/npy/f8-v2", npy("<f8", (1, 2), struct.pack("<2d", 1.5, -2.0), major=2))

# Word vectors: the same 3 words of 4 dims in every format.
vec = {w: [round(random.gauss(0, 1), 4) for _ in range(4)] for w in ("the", "dog", "café")}
line = lambda w, v, t="": w + " " + " ".join(map(str, v)) + t + "\n"
words = "words/WordVectorsFuzzTestInputs"
glove = "".join(line(w, v) for w, v in vec.items())
w2v = "3 4\n" + glove
vec_ft = "3 4\n" + "".join(line(w, v, " ") for w, v in vec.items())
binary = b"3 4\n" + b"".join(w.encode() + b" " + struct.pack("<4f", *v) + b"\n" for w, v in vec.items())
wink = {"precision": 8, "l2NormIndex": 4, "wordIndex": 5, "size": 3, "dimensions": 4, "words": list(vec),
        "vectors": {w: v + [sum(x * x for x in v) ** 0.5, i] for i, (w, v) in enumerate(vec.items())}}
for m, content in (("gloveText", glove), ("word2vecText", w2v), ("fastTextVec", vec_ft),
                   ("word2vecBinary", binary), ("winkJson", json.dumps(wink))):
    put(f"{words}/{m}/seed", content)
for name, content in (("glove", glove), ("w2v", w2v), ("vec", vec_ft), ("bin", binary), ("wink", json.dumps(wink))):
    put(f"{words}/detected/{name}", content)

# Model cards: a full one and a minimal one.
card = {"input": "x", "channels": 3, "height": 224, "width": 224, "resize": "crop", "mean": [0.485, 0.456, 0.406],
        "std": [0.229, 0.224, 0.225], "classes": ["a", "b"], "output_layer": "probabilities", "sampling": "half-pixel"}
put("model/ModelCardsFuzzTestInputs/card/full", json.dumps(card))
put("model/ModelCardsFuzzTestInputs/card/minimal", json.dumps({"channels": 1, "height": 28, "width": 28}))
