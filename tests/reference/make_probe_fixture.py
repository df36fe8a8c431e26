#!/usr/bin/python3
"""Write a probe file in the layout of `madsweep probe`, computed by the PyTorch reference itself.

usage: /usr/bin/python3 make_probe_fixture.py --variant V --task T [--set k=v ...] [--seed S] [--batch B]
           [--chunk-size C] [--constants JSON] [--corrupt flip_grad_sign[:NAME] | perturb_logit] --out FILE

Parameters are drawn per model.md §5 and rounded to float32 (the probe stores float32 parameters); the forward
and backward run in float64 on those float32 values, and logits and gradients are stored as float32, the loss
as float64. check_probe.py must pass on such a file and fail on a corrupted one (--corrupt), which tests the
checker end to end before the C program's probe exists.

The batch is task-shaped (right vocabulary, lengths and IGN positions) but is not the C program's data.
"""

import argparse
import json
import os
import sys

# OpenBLAS (Debian torch's BLAS) sizes its thread pool when loaded; keep it off the cores torch uses.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import madsweep_torch as M  # noqa: E402

BASELINE_SETTINGS = {   # tasks.md: the baseline of each task (only what the fixture needs)
    "context_recall": {"vocab_size": 16, "seq_len": 128},
    "noisy_recall": {"vocab_size": 32, "seq_len": 128},
    "fuzzy_recall": {"vocab_size": 16, "seq_len": 128},
    "selective_copy": {"vocab_size": 16, "seq_len": 256},
    "compress": {"vocab_size": 16, "seq_len": 32},
    "memorize": {"vocab_size": 256, "seq_len": 32},
}
DEFAULT_CORRUPT_GRAD = "layers.0.mixer.q_proj.weight"


def make_batch(task, setting, batch, rng):
    """inputs, targets: int32 [B, L]; task-shaped, not the C generators' data."""
    V, T = int(setting["vocab_size"]), int(setting["seq_len"])
    inputs, targets = [], []
    for _ in range(batch):
        if task == "compress":                       # tasks.md §5: content then the compress token
            x = list(rng.integers(0, V - 1, T - 1)) + [V - 1]
            inputs.append(x)
            targets.append(list(x))
        elif task == "memorize":                     # tasks.md §6: [k, insert] -> [IGN, value]
            nk = (V - 1) // 2
            x, y = [], []
            for _ in range(T // 2):
                key = int(rng.integers(0, nk))
                x += [key, V - 1]
                y += [M.IGN, nk + (key * 7919) % (V - 1 - nk)]
            inputs.append(x)
            targets.append(y)
        elif task == "context_recall":               # tasks.md §1, test targets (IGN at keys and unseen keys)
            half = V // 2
            table, seen, seq, tgt = {}, set(), [], []
            for _ in range(T // 2 - 1):
                key = int(rng.integers(0, half))
                val = table.setdefault(key, int(rng.integers(half, V)))
                seq += [key, val]
                tgt += [M.IGN, val if key in seen else M.IGN]
                seen.add(key)
            kq = sorted(seen)[int(rng.integers(0, len(seen)))]
            seq += [kq, table[kq]]
            tgt += [M.IGN, table[kq]]
            inputs.append(seq[:T - 1])
            targets.append(tgt[1:T])
        else:                                        # any other task: next-token targets, a few ignored
            seq = rng.integers(0, V, T + 1)
            tgt = seq[1:].copy()
            tgt[rng.random(T) < 0.25] = M.IGN
            inputs.append(list(seq[:T]))
            targets.append(list(tgt))
    return np.asarray(inputs, dtype=np.int32), np.asarray(targets, dtype=np.int32)


def write_probe(path, variant, task, setting_overrides=None, seed=1, batch=4, chunk_size=32, constants=None,
                corrupt=None):
    setting = dict(BASELINE_SETTINGS.get(task, {"vocab_size": 16, "seq_len": 128}))
    setting.update(setting_overrides or {})
    setting["task"] = task
    cfg = {"variant": variant, "task": task, "setting": setting, "seed": seed, "batch": batch,
           "chunk_size": chunk_size}
    if constants:
        cfg["constants"] = constants

    gen = torch.Generator().manual_seed(seed)
    model = M.build_model(variant, task, int(setting["vocab_size"]), chunk_size, constants).double()
    M.init_parameters(model, gen)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.float().double())              # the probe's parameters are float32

    inputs, targets = make_batch(task, setting, batch, np.random.default_rng(seed))
    logits = model(torch.from_numpy(inputs.astype(np.int64)))
    loss = M.loss_fn(logits, torch.from_numpy(targets.astype(np.int64)))
    loss.backward()

    logits32 = logits.detach().float().numpy()
    grads = {n: p.grad.float().numpy().copy() for n, p in model.named_parameters()}
    if corrupt:
        kind, _, arg = corrupt.partition(":")
        if kind == "flip_grad_sign":
            name = arg or DEFAULT_CORRUPT_GRAD
            g = grads[name].reshape(-1)
            g[np.argmax(np.abs(g))] *= -1            # one gradient entry, the largest, changes sign
        elif kind == "perturb_logit":
            flat = logits32.reshape(-1)
            flat[np.argmax(np.abs(flat))] *= 1.01    # one logit, the largest, off by 1 %
        else:
            raise ValueError(f"unknown corruption {corrupt!r}")

    with h5py.File(path, "w") as f:
        f.create_dataset("inputs", data=inputs)
        f.create_dataset("targets", data=targets)
        f.create_dataset("logits", data=logits32)
        f.create_dataset("loss", data=np.float64(loss.item()))
        f.create_dataset("config", data=json.dumps(cfg), dtype=h5py.string_dtype("utf-8"))
        gp, gg = f.create_group("params"), f.create_group("grads")
        for n, p in model.named_parameters():
            gp.create_dataset(n, data=p.detach().float().numpy())
            gg.create_dataset(n, data=grads[n])
    return cfg


def parse_set(items):
    out = {}
    for item in items or []:
        k, _, v = item.partition("=")
        try:
            out[k] = int(v)
        except ValueError:
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--variant", default=M.BASELINE, choices=M.VARIANT_NAMES)
    ap.add_argument("--task", default="context_recall")
    ap.add_argument("--set", action="append", metavar="K=V", help="setting override (vocab_size, seq_len)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--chunk-size", type=int, default=32)
    ap.add_argument("--constants", default=None, help='JSON object, e.g. {"gamma": 0.9}')
    ap.add_argument("--corrupt", default=None, help="flip_grad_sign[:NAME] or perturb_logit")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    cfg = write_probe(args.out, args.variant, args.task, parse_set(args.set), args.seed, args.batch,
                      args.chunk_size, json.loads(args.constants) if args.constants else None, args.corrupt)
    print(f"wrote {args.out}: {json.dumps(cfg)}" + (f" corrupted: {args.corrupt}" if args.corrupt else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
