#!/usr/bin/env python3
"""Reference timing for `imvec bench silhouette`: scikit-learn's exact silhouette_score on the same rows.

usage: silhouette_sklearn.py ROWS.npy LABELS.npy OUT.json

Times sklearn.metrics.silhouette_score (euclidean) on the float32 rows and integer labels and
writes the score, wall and process CPU seconds (all threads) and versions to OUT.json.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import silhouette_score


def main():
    rows, labels, out = sys.argv[1:4]
    x = np.load(rows)
    y = np.load(labels)
    start, cpu_start = time.perf_counter(), time.process_time()
    score = silhouette_score(x, y, metric="euclidean")
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    result = {
        "score": float(score),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "n": int(x.shape[0]),
        "dims": int(x.shape[1]),
        "dtype": str(x.dtype),
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "cpu_count": os.cpu_count(),
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
