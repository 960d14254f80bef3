"""PyTorch peer for `npm run bench`: the same workloads as tools/bench/src/workloads.ts.

Usage: python3 torch_bench.py '<json: {"workload": {...}, "mode": "measure"|"cold", "options": {...}}>'
Prints one JSON line. Set OPENBLAS_NUM_THREADS=1 (the parent does) and 2 torch threads.
"""
import json
import os
import resource
import sys
import time

import torch
from torch import nn

torch.set_num_threads(int(os.environ.get("SEQPIPE_BENCH_TORCH_THREADS", "2")))
torch.manual_seed(0)


class Classifier(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.emb = nn.Embedding(w["vocab"], w["embedding"])
        cell = w["cell"]
        rnn = {"lstm": nn.LSTM, "bilstm": nn.LSTM, "gru": nn.GRU, "simpleRnn": nn.RNN}[cell]
        self.rnn = rnn(w["embedding"], w["units"], batch_first=True, bidirectional=cell == "bilstm")
        self.out = nn.Linear(w["units"] * (2 if cell == "bilstm" else 1), 1)

    def forward(self, ids):
        _, state = self.rnn(self.emb(ids))
        h = state[0] if isinstance(state, tuple) else state  # [directions, B, H]
        h = torch.cat(list(h), dim=1)
        return torch.sigmoid(self.out(h))


class Seq2Seq(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.enc = nn.LSTM(w["vocab"], w["units"], batch_first=True)
        self.dec = nn.LSTM(w["vocab"], w["units"], batch_first=True)
        self.out = nn.Linear(w["units"], w["vocab"])

    def forward(self, enc_in, dec_in):
        _, state = self.enc(enc_in)
        seq, _ = self.dec(dec_in, state)
        return self.out(seq)  # logits; softmax is in the loss


def make_batch(w, count):
    g = torch.Generator().manual_seed(count)
    if w["kind"] == "seq2seq":
        def one_hot(length):
            idx = torch.randint(0, w["vocab"], (count, length), generator=g)
            return nn.functional.one_hot(idx, w["vocab"]).float(), idx
        enc, _ = one_hot(w["length"])
        dec, _ = one_hot(w["targetLength"])
        _, target = one_hot(w["targetLength"])
        return (enc, dec), target
    ids = torch.randint(1, w["vocab"], (count, w["length"]), generator=g)
    y = torch.randint(0, 2, (count, 1), generator=g).float()
    return (ids,), y


def main():
    args = json.loads(sys.argv[1])
    w, o = args["workload"], args["options"]
    model = Seq2Seq(w) if w["kind"] == "seq2seq" else Classifier(w)
    if args["mode"] == "cold":
        model.eval()
        with torch.no_grad():
            model(*make_batch(w, 1)[0])
        print(json.dumps({"ok": True}))
        return
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    if w["kind"] == "seq2seq":
        ce = nn.CrossEntropyLoss()
        loss_fn = lambda out, y: ce(out.reshape(-1, w["vocab"]), y.reshape(-1))
    else:
        loss_fn = nn.BCELoss()
    xs, y = make_batch(w, w["batch"])

    def step():
        opt.zero_grad()
        loss = loss_fn(model(*xs), y)
        loss.backward()
        opt.step()

    model.train()
    min_s = o.get("minSeconds", 0)
    w0 = time.perf_counter()
    i = 0
    while i < o["warmupSteps"] or time.perf_counter() - w0 < min_s:
        step()
        i += 1
    steps = 0
    t0 = time.perf_counter()
    while steps < max(o["maxSteps"], 3) or time.perf_counter() - t0 < min_s:
        step()
        steps += 1
        if time.perf_counter() - t0 >= o["stepSeconds"]:
            break
    train_s = time.perf_counter() - t0

    model.eval()
    pb = w["batch"] if w["kind"] == "seq2seq" else 128
    pxs, _ = make_batch(w, pb)
    with torch.no_grad():
        model(*pxs)
        p0 = time.perf_counter()
        predict_runs = 0
        while predict_runs < o["predictRuns"] or time.perf_counter() - p0 < min_s:
            model(*pxs)
            predict_runs += 1
        predict_s = time.perf_counter() - p0
        one, _ = make_batch(w, 1)
        for _ in range(3):
            model(*one)
        lat = []
        for _ in range(o["latencyRuns"]):
            s = time.perf_counter()
            model(*one)
            lat.append((time.perf_counter() - s) * 1000)
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, max(0, -(-p * len(lat) // 100) - 1))]

    print(json.dumps({
        "trainSamplesPerSec": steps * w["batch"] / train_s,
        "predictSamplesPerSec": predict_runs * pb / predict_s,
        "latencyP50Ms": pct(50),
        "latencyP99Ms": pct(99),
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "trainSteps": steps,
        "backend": f"torch {torch.__version__}, {torch.get_num_threads()} threads",
        "torchVersion": torch.__version__,
    }))


if __name__ == "__main__":
    main()
