"""PyTorch peer of pipelines/spam-lstm.json for `npm run bench:accuracy`.

Reads the split that seqpipe exported (token ids already padded, same tokenizer, same
train/validation/test messages), trains the same model: Embedding(vocab, 32) -> LSTM 32 over
the sequence -> global max pooling over time -> Linear(1) -> sigmoid, Adam, binary cross-entropy,
same epochs and batch size, best validation-loss weights kept (as the pipeline's early
stopping with restoreBestWeights), then scores the test split.

Usage: OPENBLAS_NUM_THREADS=1 python3 torch_spam.py split.json  -> one JSON line on stdout
"""
import copy
import json
import os
import sys
import time

import torch
from torch import nn

torch.set_num_threads(int(os.environ.get("SEQPIPE_TORCH_THREADS", "2")))


class SpamLstm(nn.Module):
    def __init__(self, vocab, embedding, units):
        super().__init__()
        self.emb = nn.Embedding(vocab, embedding)
        self.lstm = nn.LSTM(embedding, units, batch_first=True)
        self.out = nn.Linear(units, 1)

    def forward(self, ids):
        seq, _ = self.lstm(self.emb(ids))  # [B, T, H]
        pooled, _ = seq.max(dim=1)  # global max pooling over time
        return torch.sigmoid(self.out(pooled)).squeeze(1)


def tensors(split):
    return torch.tensor(split["x"], dtype=torch.long), torch.tensor(split["y"], dtype=torch.float32)


def scores(model, x, y, batch):
    model.eval()
    with torch.no_grad():
        p = torch.cat([model(x[i : i + batch]) for i in range(0, len(x), batch)])
    loss = nn.functional.binary_cross_entropy(p.clamp(1e-7, 1 - 1e-7), y).item()
    pred = (p > 0.5).float()
    tp = float(((pred == 1) & (y == 1)).sum())
    fp = float(((pred == 1) & (y == 0)).sum())
    fn = float(((pred == 0) & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    accuracy = float((pred == y).float().mean())
    return {"loss": loss, "accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}


def main():
    data = json.load(open(sys.argv[1]))
    torch.manual_seed(data["seed"])
    model = SpamLstm(data["vocabSize"], data["embedding"], data["units"])
    opt = torch.optim.Adam(model.parameters(), lr=data["learningRate"], eps=1e-7)
    xt, yt = tensors(data["train"])
    xv, yv = tensors(data["validation"])
    xs, ys = tensors(data["test"])
    batch = data["batchSize"]
    g = torch.Generator().manual_seed(data["seed"])
    best, best_state, history = None, None, []
    started = time.perf_counter()
    for epoch in range(data["epochs"]):
        model.train()
        order = torch.randperm(len(xt), generator=g)
        for i in range(0, len(xt), batch):
            idx = order[i : i + batch]
            opt.zero_grad()
            loss = nn.functional.binary_cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        val = scores(model, xv, yv, 256)
        history.append(val)
        if best is None or val["loss"] < best:
            best, best_state = val["loss"], copy.deepcopy(model.state_dict())
    seconds = time.perf_counter() - started
    model.load_state_dict(best_state)
    print(json.dumps({"torch": torch.__version__, "seconds": seconds, "test": scores(model, xs, ys, 256), "history": history}))


main()
