#!/usr/bin/env python3
"""The peer for `cargo bench -p embodia-memory --bench memory_speed`: faiss on the same vectors.

Reads target/memory-bench/base_{1000,10000,100000}.f32 and queries.f32 (written by the Rust
bench), times faiss exact inner-product search (IndexFlatIP) and HNSW (M=32, efSearch=64) one
query at a time on one thread, and reports HNSW's recall@10 against exact. Prints Markdown rows.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install numpy faiss-cpu==1.15.1
    /tmp/v/bin/python memory/benches/faiss_peer.py
"""

import pathlib
import time

import faiss
import numpy as np

DIM = 384
root = pathlib.Path(__file__).resolve().parents[2] / "target" / "memory-bench"
faiss.omp_set_num_threads(1)
queries = np.fromfile(root / "queries.f32", dtype="<f4").reshape(-1, DIM)


def timed(index, k=10, rounds=3):
    times, ids = [], []
    for _ in range(rounds):
        ids = []
        for q in queries:
            t = time.perf_counter()
            _, i = index.search(q[None, :], k)
            times.append((time.perf_counter() - t) * 1e3)
            ids.append(i[0])
    times.sort()
    pick = lambda p: times[round((len(times) - 1) * p)]
    return pick(0.5), pick(0.99), ids


print("| faiss 1.15.1 peer (same vectors and queries, 1 thread) | result | note |")
print("|---|---|---|")
for size in (1000, 10000, 100000):
    base = np.fromfile(root / f"base_{size}.f32", dtype="<f4").reshape(-1, DIM)
    flat = faiss.IndexFlatIP(DIM)
    flat.add(base)
    p50, p99, exact = timed(flat)
    print(f"| faiss IndexFlatIP (exact), {size} entries | p50 {p50:.3f} ms, p99 {p99:.3f} ms | |")
    hnsw = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(base)
    hnsw.hnsw.efSearch = 64
    p50, p99, approx = timed(hnsw)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)])
    print(f"| faiss HNSW M=32 ef=64, {size} entries | p50 {p50:.3f} ms, p99 {p99:.3f} ms | recall@10 {recall:.3f} |")
