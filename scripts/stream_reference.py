#!/usr/bin/python3
"""PyTorch's word-language-model recipe (pytorch/examples, word_language_model/main.py) as the
reference for NLM Lab's stream task: nn.Embedding → nn.LSTM (or nn.RNN, tanh) → nn.Linear, SGD
with p ← p − lr·∂L/∂p after clip_grad_norm_, the hidden state detached between windows of K
tokens, B parallel streams for training and 10 for evaluation.

usage: stream_reference.py FOLDER [threads] [windows]

FOLDER (written by scripts/bench.mjs from NLM Lab's own loader) holds train.npy and valid.npy
(int32 token ids, lines and their <eos> in order), the initial parameters as NLM Lab names them
(W1 V×D, Wxh D×G, Whh P×G, bh G, Why P×V, by V; G = 4P for the LSTM, P for the RNN), and
settings.json ({model, lr, clip, batch, bptt, eval_batch}). So both train the same model, from
the same weights, on the same windows. Differences from main.py, each also NLM Lab's:
- no dropout (main.py's --dropout 0);
- one bias per gate: bias_hh is held at zero (nn.LSTM's two biases are one parameter counted twice);
- only whole windows: the last (L/B − 1) mod K tokens of each stream are not read (main.py reads
  them as a shorter window), in training and in evaluation.

Prints one JSON line: the epoch's training seconds (the loop over windows only, as NLM Lab's
`seconds`) and CPU seconds, the mean training loss, and the validation cross-entropy and
perplexity per token. With `windows`, it trains on that many windows only and reports the CPU
time per window (no evaluation): a figure a machine shared with other jobs distorts less.
"""
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn


def batchify(ids, streams):
    """(L/B) × B: column r is the r-th of B consecutive pieces of the stream (main.py's batchify)."""
    length = len(ids) // streams
    return torch.from_numpy(ids[: length * streams].astype(np.int64)).view(streams, length).t().contiguous()


class Model(nn.Module):
    def __init__(self, kind, params):
        super().__init__()
        vocab, dim = params["W1"].shape
        hidden = params["Whh"].shape[0]
        self.encoder = nn.Embedding(vocab, dim)
        self.rnn = (nn.LSTM if kind == "lstm" else nn.RNN)(dim, hidden)
        self.decoder = nn.Linear(hidden, vocab)
        t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
        with torch.no_grad():
            self.encoder.weight.copy_(t(params["W1"]))
            self.rnn.weight_ih_l0.copy_(t(params["Wxh"].T))
            self.rnn.weight_hh_l0.copy_(t(params["Whh"].T))
            self.rnn.bias_ih_l0.copy_(t(params["bh"]))
            self.rnn.bias_hh_l0.zero_()
            self.decoder.weight.copy_(t(params["Why"].T))
            self.decoder.bias.copy_(t(params["by"]))
        self.rnn.bias_hh_l0.requires_grad_(False)
        self.kind = kind
        self.hidden_size = hidden

    def init_hidden(self, streams):
        zeros = torch.zeros(1, streams, self.hidden_size)
        return (zeros, zeros.clone()) if self.kind == "lstm" else zeros

    def forward(self, x, hidden):
        output, hidden = self.rnn(self.encoder(x), hidden)
        return self.decoder(output), hidden


def detach(h):
    return tuple(v.detach() for v in h) if isinstance(h, tuple) else h.detach()


def windows(data, bptt):
    for i in range(0, ((data.size(0) - 1) // bptt) * bptt, bptt):
        yield data[i : i + bptt], data[i + 1 : i + 1 + bptt]


def evaluate(model, data, bptt, streams):
    model.eval()
    total, count = 0.0, 0
    hidden = model.init_hidden(streams)
    with torch.no_grad():
        for x, y in windows(data, bptt):
            output, hidden = model(x, hidden)
            total += nn.functional.cross_entropy(output.view(-1, output.size(-1)), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    return total / count, count


def main():
    folder = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
    torch.set_num_threads(threads)
    settings = json.load(open(f"{folder}/settings.json"))
    params = {name: np.load(f"{folder}/{name}.npy") for name in ["W1", "Wxh", "Whh", "bh", "Why", "by"]}
    model = Model(settings["model"], params)
    train = batchify(np.load(f"{folder}/train.npy"), settings["batch"])
    valid = batchify(np.load(f"{folder}/valid.npy"), settings["eval_batch"])
    bptt, lr, clip = settings["bptt"], settings["lr"], settings["clip"]
    trainable = [p for p in model.parameters() if p.requires_grad]
    model.train()
    hidden = model.init_hidden(settings["batch"])
    loss_sum, steps = 0.0, 0
    t0, c0 = time.perf_counter(), time.process_time()
    for x, y in windows(train, bptt):
        if steps == limit:
            break
        hidden = detach(hidden)
        model.zero_grad()
        output, hidden = model(x, hidden)
        loss = nn.functional.cross_entropy(output.view(-1, output.size(-1)), y.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(trainable, clip)
        with torch.no_grad():
            for p in trainable:
                p.add_(p.grad, alpha=-lr)
        loss_sum += loss.item()
        steps += 1
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    name = f"PyTorch {torch.__version__} nn.{'LSTM' if settings['model'] == 'lstm' else 'RNN'}, {threads} thread{'s' if threads > 1 else ''}"
    if limit is not None:
        print(json.dumps({"name": name, "windows": steps, "cpu_ms_per_window": 1000 * cpu / steps, "ms_per_window": 1000 * seconds / steps}))
        return
    valid_ce, n = evaluate(model, valid, bptt, settings["eval_batch"])
    print(json.dumps({
        "name": name,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "windows": steps,
        "train_ce": loss_sum / steps,
        "valid_ce": valid_ce,
        "valid_ppl": math.exp(valid_ce),
        "valid_tokens": n,
    }))


if __name__ == "__main__":
    main()
