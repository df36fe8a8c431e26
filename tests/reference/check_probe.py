#!/usr/bin/python3
"""Compare a probe file written by `madsweep probe` with the PyTorch reference model (madsweep_torch.py).

usage: /usr/bin/python3 check_probe.py PROBE.h5 [PROBE.h5 ...] [--brief] [--threads N] [--noise-factor K]

For each file: build the model the probe names, load every parameter from /params, run forward and backward
in float64 on /inputs and /targets, and compare
  - the loss:                         |loss_c - loss_t| / |loss_t| <= 1e-5
  - logits and every /grads/<name>:   max|x_c - x_t| <= 1e-3 * max|x_t|   (x_t: the torch tensor)
  - the parameter sets of the probe (/params and /grads) and of the model: same names, same shapes.
The ratio printed per tensor is max|x_c - x_t| / max|x_t|. Beside it, "f32 noise" is the same ratio for the
torch model run in float32 on the same inputs: the error plain float32 rounding makes. A ratio far above it
points at a bug; a ratio near it, above 1e-3, at an ill-conditioned tensor (see README.md, "Tolerances").
--noise-factor K also accepts a tensor whose ratio is <= K x its f32 noise. Exit 0 only when every file passes.
Several files in one call share one torch import (about 2 s), which keeps the CTest run short.
"""

import argparse
import copy
import json
import math
import os
import sys

# OpenBLAS (Debian torch's BLAS) sizes its thread pool when loaded; keep it off the cores torch uses.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import madsweep_torch as M  # noqa: E402

LOSS_RTOL = 1e-5
TENSOR_RTOL = 1e-3
ZERO_FLOOR = 1e-30     # a reference tensor that is exactly zero must be matched exactly (to this floor)


def read_config(f):
    raw = f["config"][()]
    if isinstance(raw, np.ndarray):
        raw = raw.reshape(-1)[0]
    if isinstance(raw, (bytes, np.bytes_)):
        raw = raw.decode("utf-8")
    return json.loads(str(raw).rstrip("\x00"))


def model_from_config(cfg, vocab_fallback=None):
    variant = cfg["variant"]
    setting = cfg.get("setting") or {}
    task = cfg.get("task") or setting.get("task")
    if task is None:
        raise ValueError("config names no task")
    vocab = setting.get("vocab_size", vocab_fallback)
    if vocab is None:
        raise ValueError("config.setting has no vocab_size")
    chunk = int(cfg.get("chunk_size") or 32)
    constants = cfg.get("constants") or {}
    _, ignored = M.resolve_constants(variant, constants)
    unknown = [k for k in ignored if k not in M.CONSTANT_NAMES]
    if unknown:
        raise ValueError(f"constants {unknown} are not constants of any variant ({', '.join(M.CONSTANT_NAMES)})")
    model = M.build_model(variant, task, int(vocab), chunk_size=chunk, constants=constants)
    return model, dict(variant=variant, task=task, vocab=int(vocab), chunk=chunk, constants=constants,
                       ignored=ignored)


def ratio(ours, ref):
    """max|ours - ref| / max|ref| (inf when ref is zero and ours is not; nan propagates)."""
    err = (ours - ref).abs().max().item()
    scale = ref.abs().max().item()
    if math.isnan(err) or math.isnan(scale):
        return float("nan")
    if scale <= ZERO_FLOOR:
        return 0.0 if err <= ZERO_FLOOR else float("inf")
    return err / scale


def read_group(f, group):
    """Every dataset under /<group>, by its path below the group (a nested name keeps its '/', so it
    cannot match a dotted parameter name and shows up as missing/extra)."""
    out = {}
    if group in f:
        f[group].visititems(lambda name, obj: out.__setitem__(name, np.asarray(obj[()]))
                            if isinstance(obj, h5py.Dataset) else None)
    return out


def check_probe_file(path, brief=False, out=print, noise_factor=0.0):
    """Returns True when the probe at `path` matches the reference model."""
    failures = []
    rows = []   # (name, shape, max|ref|, ratio, f32 noise, ok)

    with h5py.File(path, "r") as f:
        try:
            cfg = read_config(f)
        except Exception as e:  # noqa: BLE001 - any malformed config is a failure of this probe
            out(f"FAIL {path}: cannot read /config: {e}")
            return False
        emb = f.get("params/embedding.weight")
        try:
            model, info = model_from_config(cfg, vocab_fallback=emb.shape[0] if emb is not None else None)
        except Exception as e:  # noqa: BLE001
            out(f"FAIL {path}: cannot build the model from /config {json.dumps(cfg)}: {e}")
            return False
        inputs = torch.from_numpy(np.asarray(f["inputs"][()], dtype=np.int64))
        targets = torch.from_numpy(np.asarray(f["targets"][()], dtype=np.int64))
        probe_logits = torch.from_numpy(np.asarray(f["logits"][()], dtype=np.float64))
        probe_loss = float(np.asarray(f["loss"][()]))
        probe_params = read_group(f, "params")
        probe_grads = read_group(f, "grads")

    out(f"== {path}: variant={info['variant']} task={info['task']} V={info['vocab']} "
        f"B,L={tuple(inputs.shape)} C={info['chunk']} constants={json.dumps(info['constants'])}")
    if info["ignored"]:
        out(f"   note: constants {info['ignored']} are not used by {info['variant']} (ignored)")

    model = model.double()
    model_params = dict(model.named_parameters())

    # The parameter sets must agree: probe /params, probe /grads and the model.
    for label, names in (("/params", probe_params), ("/grads", probe_grads)):
        missing = sorted(set(model_params) - set(names))
        extra = sorted(set(names) - set(model_params))
        if missing:
            failures.append(f"{label} lacks {len(missing)} model parameter(s): {', '.join(missing)}")
        if extra:
            failures.append(f"{label} has {len(extra)} name(s) the model lacks: {', '.join(extra)}")
        for n in sorted(set(names) & set(model_params)):
            if tuple(names[n].shape) != tuple(model_params[n].shape):
                failures.append(f"{label}/{n} has shape {tuple(names[n].shape)}, "
                                f"the model {tuple(model_params[n].shape)}")
    if failures:
        for msg in failures:
            out(f"   FAIL {msg}")
        out(f"FAIL {path}")
        return False

    with torch.no_grad():
        for n, p in model_params.items():
            p.copy_(torch.from_numpy(probe_params[n].astype(np.float64)))

    V = info["vocab"]
    if inputs.dim() != 2 or targets.shape != inputs.shape:
        out(f"   FAIL /inputs {tuple(inputs.shape)} and /targets {tuple(targets.shape)} must both be [B, L]")
        return False
    bad_tok = (inputs < 0) | (inputs >= V)
    bad_tgt = ((targets < 0) | (targets >= V)) & (targets != M.IGN)
    if bad_tok.any() or bad_tgt.any():
        out(f"   FAIL tokens outside [0, {V}) in /inputs or /targets")
        return False

    logits = model(inputs)
    loss = M.loss_fn(logits, targets)
    loss.backward()

    # The same model in float32: how far plain float32 rounding moves each tensor. A correct float32
    # implementation cannot be expected to beat this; where it exceeds the tolerance the problem is
    # ill-conditioned (e.g. the rmsprop/adam state updates, sqrt(G*G + 1e-8) near G = 0), not the C code wrong.
    model32 = copy.deepcopy(model).float()
    model32.zero_grad(set_to_none=True)
    logits32 = model32(inputs)
    M.loss_fn(logits32, targets).backward()
    grads32 = dict(model32.named_parameters())

    def tolerance(noise):
        return max(TENSOR_RTOL, noise_factor * noise) if noise_factor > 0 else TENSOR_RTOL

    if tuple(probe_logits.shape) != tuple(logits.shape):
        failures.append(f"/logits has shape {tuple(probe_logits.shape)}, the model {tuple(logits.shape)}")
    else:
        ref = logits.detach()
        r = ratio(probe_logits, ref)
        noise = ratio(logits32.detach().double(), ref)
        rows.append(("logits", tuple(ref.shape), ref.abs().max().item(), r, noise, r <= tolerance(noise)))

    lt = loss.item()
    loss_rel = abs(probe_loss - lt) / abs(lt) if lt != 0 else abs(probe_loss - lt)
    loss_ok = loss_rel <= LOSS_RTOL

    for n, p in model_params.items():
        ref = p.grad if p.grad is not None else torch.zeros_like(p)
        g32 = grads32[n].grad
        noise = ratio(g32.double(), ref) if g32 is not None else 0.0
        r = ratio(torch.from_numpy(probe_grads[n].astype(np.float64)), ref)
        rows.append((f"grad {n}", tuple(p.shape), ref.abs().max().item(), r, noise, r <= tolerance(noise)))

    ok = loss_ok and not failures and all(row[5] for row in rows)
    tol_text = f"tol {TENSOR_RTOL:.0e}" + (f" or {noise_factor:g} x f32 noise" if noise_factor > 0 else "")
    out(f"   {'ok  ' if loss_ok else 'FAIL'} loss  probe {probe_loss:.10g}  torch {lt:.10g}  "
        f"rel err {loss_rel:.2e} (tol {LOSS_RTOL:.0e});  tensors: ratio = max|probe - torch| / max|torch| "
        f"({tol_text}); f32 noise = the same ratio for torch in float32")
    width = max(len(r[0]) for r in rows)
    for name, shape, scale, r, noise, row_ok in rows:
        if brief and row_ok:
            continue
        out(f"   {'ok  ' if row_ok else 'FAIL'} {name:<{width}} {str(list(shape)):<12} max|ref| {scale:9.3e}"
            f"  ratio {r:9.2e}  f32 noise {noise:9.2e}")
    worst = max(rows, key=lambda row: math.inf if math.isnan(row[3]) else row[3]) if rows else None
    for msg in failures:
        out(f"   FAIL {msg}")
    if worst is not None:
        out(f"{'PASS' if ok else 'FAIL'} {path}: {len(rows)} tensors, worst ratio {worst[3]:.2e} ({worst[0]}), "
            f"loss rel err {loss_rel:.2e}")
    else:
        out(f"{'PASS' if ok else 'FAIL'} {path}")
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("probes", nargs="+", help="probe files written by `madsweep probe`")
    ap.add_argument("--brief", action="store_true", help="print only failing tensors and the summary lines")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    ap.add_argument("--noise-factor", type=float, default=0.0, metavar="K",
                    help="accept a tensor whose ratio is within K times its float32 noise even above 1e-3 "
                         "(default 0: the plain 1e-3 tolerance)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    results = []
    for path in args.probes:
        try:
            results.append((path, check_probe_file(path, brief=args.brief, noise_factor=args.noise_factor)))
        except Exception as e:  # noqa: BLE001 - report and go on with the other files
            print(f"FAIL {path}: {type(e).__name__}: {e}")
            results.append((path, False))
    n_fail = sum(not ok for _, ok in results)
    if len(results) > 1:
        print(f"check_probe: {len(results) - n_fail} of {len(results)} probe files pass")
        for path, ok in results:
            if not ok:
                print(f"  failed: {path}")
    return 0 if n_fail == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
