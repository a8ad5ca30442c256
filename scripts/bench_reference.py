"""Reference timings for `npm run bench`: the same model and epoch in PyTorch and NumPy.

Same shapes as NLM Lab's engine (3 context words, D=16, P=128, sigmoid, softmax over V), same
batch size, one epoch of Adam updates over the training split. Prints one JSON object per
framework: {"name", "seconds", "examples", "loss"}.

usage: bench_reference.py DATA_FOLDER THREADS [vocab=V] [torch-only]   (run with
OPENBLAS_NUM_THREADS=THREADS, so the BLAS under numpy and torch uses exactly that many threads;
NumPy is timed only for 1 thread, and not with torch-only). vocab=V gives the vocabulary size of a
folder without vocab.npy (the V = 8000 rows: the KJV text's examples, written by bench.mjs).

The threads go to the BLAS, where the work is: torch's own intra-op pool stays at one thread. At
batch 100 its elementwise ops gain nothing from threads, and its OpenMP threads spinning beside
OpenBLAS's on two cores made an epoch 3x slower (6.1 s against 1.7 s measured).
"""
import json
import sys
import time

import numpy as np

D, P, BATCH = 16, 128, 100


def load(folder, vocab_size=None):
    x = np.load(f"{folder}/train_inputs.npy").astype(np.int64)
    y = np.load(f"{folder}/train_targets.npy").astype(np.int64)
    return x, y, vocab_size or len(np.load(f"{folder}/vocab.npy"))


def torch_epoch(x, y, v):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(1)
    emb = torch.nn.Embedding(v, D)
    hidden = torch.nn.Linear(3 * D, P)
    out = torch.nn.Linear(P, v)
    params = [*emb.parameters(), *hidden.parameters(), *out.parameters()]
    for p in params:
        torch.nn.init.normal_(p, std=0.01)
    opt = torch.optim.Adam(params, lr=0.005)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    order = torch.randperm(len(yt))
    start = time.perf_counter()
    total = 0.0
    for b in range(0, len(yt), BATCH):
        idx = order[b:b + BATCH]
        e = emb(xt[idx]).reshape(len(idx), 3 * D)
        loss = torch.nn.functional.cross_entropy(out(torch.sigmoid(hidden(e))), yt[idx])
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        total += loss.item()
    return time.perf_counter() - start, total / ((len(yt) + BATCH - 1) // BATCH)


def numpy_epoch(x, y, v):
    rng = np.random.default_rng(1)
    w = {
        "W1": rng.normal(0, 0.01, (v, D)).astype(np.float32),
        "W2": rng.normal(0, 0.01, (3 * D, P)).astype(np.float32),
        "b1": np.zeros(P, np.float32),
        "W3": rng.normal(0, 0.01, (P, v)).astype(np.float32),
        "b2": np.zeros(v, np.float32),
    }
    m = {k: np.zeros_like(a) for k, a in w.items()}
    s = {k: np.zeros_like(a) for k, a in w.items()}
    order = rng.permutation(len(y))
    start = time.perf_counter()
    total, t = 0.0, 0
    for b in range(0, len(y), BATCH):
        idx = order[b:b + BATCH]
        n = len(idx)
        xb, yb = x[idx], y[idx]
        e = w["W1"][xb].reshape(n, 3 * D)
        h = 1 / (1 + np.exp(-(e @ w["W2"] + w["b1"])))
        z = h @ w["W3"] + w["b2"]
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        total -= np.log(p[np.arange(n), yb]).mean()
        dz2 = p
        dz2[np.arange(n), yb] -= 1
        dz2 /= n
        g = {"W3": h.T @ dz2, "b2": dz2.sum(0)}
        dz1 = (dz2 @ w["W3"].T) * h * (1 - h)
        g["W2"], g["b1"] = e.T @ dz1, dz1.sum(0)
        de = (dz1 @ w["W2"].T).reshape(n * 3, D)
        g["W1"] = np.zeros_like(w["W1"])
        np.add.at(g["W1"], xb.reshape(-1), de)
        t += 1
        for k in w:
            m[k] = 0.9 * m[k] + 0.1 * g[k]
            s[k] = 0.999 * s[k] + 0.001 * g[k] * g[k]
            w[k] -= 0.005 * (m[k] / (1 - 0.9**t)) / (np.sqrt(s[k] / (1 - 0.999**t)) + 1e-8)
    return time.perf_counter() - start, total / t


def main():
    options = sys.argv[3:]
    vocab = [int(o.split("=", 1)[1]) for o in options if o.startswith("vocab=")]
    x, y, v = load(sys.argv[1], vocab[0] if vocab else None)
    threads = int(sys.argv[2])
    plural = "s" if threads > 1 else ""
    try:
        seconds, loss = torch_epoch(x, y, v)
        print(json.dumps({"name": f"PyTorch ({threads} thread{plural})", "seconds": seconds, "examples": len(y), "loss": loss}), flush=True)
    except ImportError:
        print(json.dumps({"name": "PyTorch", "skipped": "python3-torch is not installed"}), flush=True)
    if threads == 1 and "torch-only" not in options:
        seconds, loss = numpy_epoch(x, y, v)
        print(json.dumps({"name": "NumPy (gather/scatter)", "seconds": seconds, "examples": len(y), "loss": loss}), flush=True)


if __name__ == "__main__":
    main()
