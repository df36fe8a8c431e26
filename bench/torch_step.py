#!/usr/bin/python3
"""Time one training step of the PyTorch reference model (tests/reference/madsweep_torch.py).

A step is forward, backward and an AdamW update (protocol.md §1: betas 0.9/0.999, eps 1e-8, decoupled weight
decay), in float32 on one thread by default, at the baseline shape B = 128, L = 128, D = 128, V = 16.
Prints one JSON line:
  {"variant": ..., "tokens_per_second": ..., "seconds_per_step": ..., "batch": 128, "seq_len": 128, ...}

usage: /usr/bin/python3 bench/torch_step.py [--variant NAME] [--task T] [--batch B] [--seq-len L]
           [--vocab V] [--chunk-size C] [--warmup N] [--steps N] [--threads N]
"""

import argparse
import json
import os
import sys
import time


def _threads_from_argv(argv):
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "1"


# Debian's torch does its matmuls through OpenBLAS (pthreads), which sizes its pool from the environment
# when it is loaded, not from torch.set_num_threads: pin it before torch is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ[_var] = _threads_from_argv(sys.argv[1:])

import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
import madsweep_torch as M  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--variant", default=M.BASELINE, choices=M.VARIANT_NAMES)
    ap.add_argument("--task", default="context_recall", help="compress selects the AutoEncoder backbone")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seq-len", type=int, default=128, help="length of the model's input (127 for context recall)")
    ap.add_argument("--vocab", type=int, default=16)
    ap.add_argument("--chunk-size", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(args.seed)
    model = M.build_model(args.variant, args.task, args.vocab, chunk_size=args.chunk_size).float()
    M.init_parameters(model, gen)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
    tokens = torch.randint(0, args.vocab, (args.batch, args.seq_len), generator=gen)
    targets = torch.randint(0, args.vocab, (args.batch, args.seq_len), generator=gen)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = M.loss_fn(model(tokens), targets)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    cpu0 = time.process_time()
    for _ in range(args.steps):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu0) / args.steps   # robust to other processes sharing the cores
    if not torch.isfinite(torch.tensor(loss)):
        print(f"torch_step: non-finite loss {loss}", file=sys.stderr)
        return 1
    sec = sum(times) / len(times)
    print(json.dumps({
        "variant": args.variant,
        "tokens_per_second": args.batch * args.seq_len / sec,
        "seconds_per_step": sec,
        "batch": args.batch,
        "seq_len": args.seq_len,
        "task": args.task,
        "min_seconds_per_step": min(times),
        "cpu_seconds_per_step": cpu,
        "steps": args.steps,
        "threads": args.threads,
        "dtype": "float32",
        "torch": torch.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
