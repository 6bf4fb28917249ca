#!/usr/bin/env python3
"""Reference timing for `imvec bench tsne`: scikit-learn's Barnes-Hut t-SNE on the same input.

usage: tsne_sklearn.py INPUT.npy OUT.json [--iterations 1000] [--perplexity 30] [--dims 2] [--seed 42]

Runs sklearn.manifold.TSNE with its 1.2 defaults (init='pca', learning_rate='auto', angle 0.5,
early exaggeration 12 for 250 iterations) on the float32 rows in INPUT.npy, times fit_transform
alone (wall and process CPU seconds, all threads), and writes the seconds, kl_divergence_ (sklearn's Barnes-Hut estimate) and versions to
OUT.json and the embedding beside it as OUT.npy.
"""
import argparse
import json
import os
import time

import numpy as np
import sklearn
from sklearn.manifold import TSNE


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("out")
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--perplexity", type=float, default=30.0)
    ap.add_argument("--dims", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    x = np.load(a.input).astype(np.float32)
    tsne = TSNE(n_components=a.dims, perplexity=a.perplexity, n_iter=a.iterations, init="pca",
                learning_rate="auto", method="barnes_hut", angle=0.5, random_state=a.seed, n_jobs=-1)
    start, cpu_start = time.perf_counter(), time.process_time()
    y = tsne.fit_transform(x)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    np.save(os.path.splitext(a.out)[0] + ".npy", y.astype(np.float32))
    result = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "kl_divergence": float(tsne.kl_divergence_),
        "iterations": int(tsne.n_iter_) + 1,
        "learning_rate": float(tsne.learning_rate_),
        "n": int(x.shape[0]),
        "input_dims": int(x.shape[1]),
        "dims": a.dims,
        "perplexity": a.perplexity,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "cpu_count": os.cpu_count(),
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
