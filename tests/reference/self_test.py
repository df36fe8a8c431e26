#!/usr/bin/python3
"""Checks of the PyTorch reference (madsweep_torch.py) that need no C program.

Each test states one property. The script prints one line per test and exits nonzero if any fails.
usage: /usr/bin/python3 self_test.py [-k SUBSTRING]
"""

import argparse
import math
import os
import sys
import tempfile
import time
import traceback

# OpenBLAS (Debian torch's BLAS) sizes its thread pool when loaded; keep it off the cores torch uses.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import h5py  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import madsweep_torch as M  # noqa: E402
import check_probe  # noqa: E402
import make_probe_fixture  # noqa: E402

F64 = torch.float64
DELTA_VARIANTS = [v for v in M.VARIANT_NAMES if v != M.GATED]
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def max_abs(a, b):
    return (a - b).abs().max().item()


def random_qkvb(B, H, L, dk, dv, seed, dtype=F64):
    g = torch.Generator().manual_seed(seed)
    q = M.l2norm(torch.randn(B, H, L, dk, generator=g, dtype=dtype))
    k = M.l2norm(torch.randn(B, H, L, dk, generator=g, dtype=dtype))
    v = torch.randn(B, H, L, dv, generator=g, dtype=dtype)
    beta = torch.rand(B, H, L, generator=g, dtype=dtype)
    return q, k, v, beta


def random_log_decay(B, H, L, seed, dtype=F64):
    g = torch.Generator().manual_seed(seed)
    alpha = 0.5 + 0.5 * torch.rand(B, H, L, generator=g, dtype=dtype)     # decays in (0.5, 1)
    return torch.log(alpha)


# ---------------------------------------------------------------------------------------------------------
# (a)-(c): the chunk forms against the token recurrences, and padding
# ---------------------------------------------------------------------------------------------------------

@test
def test_chunk_loop_matches_token_recurrence():
    q, k, v, beta = random_qkvb(2, 4, 70, 32, 32, seed=1)                 # L = 70: not a multiple of C = 32
    d = max_abs(M.chunk_loop(q, k, v, beta), M.delta_rule_recurrent(q, k, v, beta))
    assert d <= 1e-10, f"chunk vs token: max abs diff {d:.3e}"
    return f"max abs diff {d:.1e}"


@test
def test_gated_chunk_loop_matches_gated_token_recurrence():
    q, k, v, beta = random_qkvb(2, 4, 70, 32, 64, seed=2)
    q = q / math.sqrt(32)
    g = random_log_decay(2, 4, 70, seed=3)
    d = max_abs(M.gated_chunk_loop(q, k, v, beta, g), M.gated_delta_rule_recurrent(q, k, v, beta, g))
    assert d <= 1e-10, f"gated chunk vs token: max abs diff {d:.3e}"
    # strong decays (alpha down to e^-8) must not overflow inside the chunk
    g_strong = -8 * torch.rand(2, 4, 70, dtype=F64, generator=torch.Generator().manual_seed(4))
    d2 = max_abs(M.gated_chunk_loop(q, k, v, beta, g_strong), M.gated_delta_rule_recurrent(q, k, v, beta, g_strong))
    assert d2 <= 1e-10, f"gated chunk vs token with strong decay: max abs diff {d2:.3e}"
    return f"max abs diff {max(d, d2):.1e}"


@test
def test_gated_loop_without_decay_is_the_delta_rule():
    q, k, v, beta = random_qkvb(1, 2, 45, 8, 5, seed=5)
    d = max_abs(M.gated_chunk_loop(q, k, v, beta, torch.zeros_like(beta), 16), M.chunk_loop(q, k, v, beta))
    assert d <= 1e-12, f"{d:.3e}"
    return f"max abs diff {d:.1e}"


@test
def test_baseline_output_does_not_depend_on_chunk_size_or_padding():
    q, k, v, beta = random_qkvb(2, 4, 40, 32, 32, seed=6)                 # C=8: no padding; C=32: 24 pad rows
    o8 = M.chunk_loop(q, k, v, beta, chunk_size=8)
    o32 = M.chunk_loop(q, k, v, beta, chunk_size=32)
    o64 = M.chunk_loop(q, k, v, beta, chunk_size=64)
    d = max(max_abs(o8, o32), max_abs(o8, o64))
    assert d <= 1e-10, f"C=8 vs C=32/64: {d:.3e}"
    g = random_log_decay(2, 4, 40, seed=7)
    dg = max_abs(M.gated_chunk_loop(q, k, v, beta, g, 8), M.gated_chunk_loop(q, k, v, beta, g, 32))
    assert dg <= 1e-10, f"gated C=8 vs C=32: {dg:.3e}"
    return f"max abs diff {max(d, dg):.1e}"


@test
def test_padding_is_invisible_for_every_variant():
    # A padded run (L=40, C=32 -> 64 rows) must give, at its real rows, what an unpadded run of 64 real rows
    # gives there: padded rows never write to the state (chunk-loop.md §1). This holds for every variant,
    # state-update ones included, because the chunk boundaries are the same in both runs.
    q, k, v, beta = random_qkvb(2, 4, 64, 32, 32, seed=8)
    worst = 0.0
    for name in DELTA_VARIANTS:
        o_long = M.chunk_loop(q, k, v, beta, name, 32)
        o_pad = M.chunk_loop(q[..., :40, :], k[..., :40, :], v[..., :40, :], beta[..., :40], name, 32)
        d = max_abs(o_pad, o_long[..., :40, :])
        assert torch.isfinite(o_pad).all(), name
        assert d <= 1e-12, f"{name}: padded vs unpadded {d:.3e}"
        worst = max(worst, d)
    g = random_log_decay(2, 4, 64, seed=9)
    o_long = M.gated_chunk_loop(q, k, v, beta, g, 32)
    o_pad = M.gated_chunk_loop(q[..., :40, :], k[..., :40, :], v[..., :40, :], beta[..., :40], g[..., :40], 32)
    d = max_abs(o_pad, o_long[..., :40, :])
    assert d <= 1e-12, f"gated: padded vs unpadded {d:.3e}"
    return f"13 variants, max abs diff {max(worst, d):.1e}"


# ---------------------------------------------------------------------------------------------------------
# Variants: constants and cross-checks between them
# ---------------------------------------------------------------------------------------------------------

@test
def test_variant_constants_that_switch_the_change_off_give_the_baseline():
    q, k, v, beta = random_qkvb(1, 2, 50, 8, 6, seed=10)
    base = M.chunk_loop(q, k, v, beta, chunk_size=16)
    cases = [("delta_net_4layer_decay_state_update_in_for_loop", {"gamma": 1.0}),
             ("delta_net_4layer_momentum_state_update_in_for_loop", {"mu": 0.0})]
    for name, c in cases:
        d = max_abs(M.chunk_loop(q, k, v, beta, name, 16, c), base)
        assert d <= 1e-12, f"{name} {c}: {d:.3e}"
        d_default = max_abs(M.chunk_loop(q, k, v, beta, name, 16), base)
        assert d_default > 1e-6, f"{name} with default constants should differ from the baseline"
    s = M.chunk_loop(q, k, v, beta, "delta_net_4layer_cosine_softmax_attention_in_for_loop", 16)
    s_explicit = M.chunk_loop(q, k, v, beta, "delta_net_4layer_cosine_softmax_attention_in_for_loop", 16,
                              {"temperature": math.sqrt(8)})
    s_other = M.chunk_loop(q, k, v, beta, "delta_net_4layer_cosine_softmax_attention_in_for_loop", 16,
                           {"temperature": 1.0})
    assert max_abs(s, s_explicit) == 0.0, "temperature default must be sqrt(d_k)"
    assert max_abs(s, s_other) > 1e-6, "temperature override ignored"
    c, ignored = M.resolve_constants(M.BASELINE, {"gamma": 0.5})
    assert c == {} and ignored == ["gamma"], "constants of other variants are ignored"
    return "gamma=1, mu=0 -> baseline; temperature default sqrt(d_k)"


@test
def test_every_variant_has_its_exact_name_and_a_distinct_loop():
    assert len(M.VARIANT_NAMES) == 13 and len(set(M.VARIANT_NAMES)) == 13
    q, k, v, beta = random_qkvb(1, 2, 40, 8, 6, seed=11)
    outs = {n: M.chunk_loop(q, k, v, beta, n, 16) for n in DELTA_VARIANTS}
    names = list(outs)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert max_abs(outs[a], outs[b]) > 1e-8, f"{a} and {b} give the same outputs"
    return "12 delta-rule loops differ pairwise"


# ---------------------------------------------------------------------------------------------------------
# (d) every variant trains on a tiny model; (e) gradcheck of every loop
# ---------------------------------------------------------------------------------------------------------

@test
def test_every_variant_runs_forward_and_backward_with_finite_values():
    gen = torch.Generator().manual_seed(12)
    for name in M.VARIANT_NAMES:
        for task in ("context_recall", "compress"):
            model = M.build_model(name, task, vocab_size=8, chunk_size=8, d_model=16).double()
            M.init_parameters(model, gen)
            tokens = torch.randint(0, 8, (2, 19), generator=gen)
            targets = torch.randint(0, 8, (2, 19), generator=gen)
            targets[:, :3] = M.IGN
            logits = model(tokens)
            loss = M.loss_fn(logits, targets)
            loss.backward()
            assert logits.shape == (2, 19, 8), f"{name}/{task}: logits {tuple(logits.shape)}"
            assert torch.isfinite(logits).all() and torch.isfinite(loss), f"{name}/{task}: non-finite forward"
            for pname, p in model.named_parameters():
                assert p.grad is not None, f"{name}/{task}: no gradient for {pname}"
                assert torch.isfinite(p.grad).all(), f"{name}/{task}: non-finite gradient of {pname}"
    return "13 variants x 2 backbones"


def _gradcheck_inputs(L, dk, dv, seed, gated):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(2, L, dk, generator=g, dtype=F64) * 0.7
    k = M.l2norm(torch.randn(2, L, dk, generator=g, dtype=F64))
    v = torch.randn(2, L, dv, generator=g, dtype=F64)
    beta = 0.1 + 0.8 * torch.rand(2, L, generator=g, dtype=F64)
    ins = [q, k, v, beta]
    if gated:
        ins.append(torch.log(0.5 + 0.5 * torch.rand(2, L, generator=g, dtype=F64)))
    return [x.requires_grad_() for x in ins]


@test
def test_every_loop_passes_gradcheck_on_tiny_shapes():
    # chunk-loop.md §6: L = 8, C = 4, d_k = 3, d_v = 2, and L not a multiple of C (L = 7)
    for L in (8, 7):
        for name in M.VARIANT_NAMES:
            if name == M.GATED:
                ins = _gradcheck_inputs(L, 3, 2, seed=13 + L, gated=True)
                fn = lambda q, k, v, b, g: M.gated_chunk_loop(q, k, v, b, g, 4)  # noqa: E731
            else:
                ins = _gradcheck_inputs(L, 3, 2, seed=13 + L, gated=False)
                fn = lambda q, k, v, b, name=name: M.chunk_loop(q, k, v, b, name, 4)  # noqa: E731
            ok = torch.autograd.gradcheck(fn, ins, eps=1e-6, atol=1e-6, rtol=1e-4, raise_exception=False)
            assert ok, f"gradcheck failed for {name} at L={L}"
    return "13 loops x L in {8, 7}"


# ---------------------------------------------------------------------------------------------------------
# Layers and the whole model
# ---------------------------------------------------------------------------------------------------------

@test
def test_conv4_is_causal_with_the_last_tap_on_the_current_token():
    conv = M.ShortConv(3).double()
    with torch.no_grad():
        conv.weight.copy_(torch.randn(3, 4, dtype=F64))
    x = torch.randn(2, 9, 3, dtype=F64)
    y = conv(x)
    ref = torch.zeros_like(x)
    for t in range(9):
        for j in range(4):
            if t - 3 + j >= 0:
                ref[:, t] += conv.weight[:, j] * x[:, t - 3 + j]
    assert max_abs(y, ref) <= 1e-14
    return "y[t,c] = sum_j w[c,j] x[t-3+j,c]"


@test
def test_parameter_counts_and_widths_follow_the_spec():
    assert M.swiglu_width(128) == 352
    mixer = M.DeltaNetMixer(128, M.BASELINE, 32, None)
    n = sum(p.numel() for p in mixer.parameters())
    assert n == 67616, f"DeltaNet mixer has {n} parameters, model.md §3 says 67,616"
    gm = dict(M.GatedDeltaNetMixer(128, 32).named_parameters())
    expect = {"q_proj.weight": (128, 128), "k_proj.weight": (128, 128), "v_proj.weight": (256, 128),
              "b_proj.weight": (4, 128), "a_proj.weight": (4, 128), "A_log": (4,), "dt_bias": (4,),
              "g_proj.weight": (256, 128), "q_conv.weight": (128, 4), "k_conv.weight": (128, 4),
              "v_conv.weight": (256, 4), "o_norm.weight": (64,), "o_proj.weight": (128, 256)}
    got = {k: tuple(v.shape) for k, v in gm.items()}
    assert got == expect, f"gated mixer parameters {got}"
    pe = M.sinusoidal_table(5, 128)
    assert pe.shape == (5, 128) and pe[0, :64].abs().max() == 0 and (pe[0, 64:] == 1).all()
    assert abs(pe[3, 63].item() - math.sin(3 * 1e-4)) < 1e-15, "f_{half-1} = 1/10000"
    return "mixer 67,616 params; SwiGLU 352; gated shapes; PE"


def _naive_mixer(mixer, x, gated):
    """model.md §3/§4 written token by token and head by head, for one sequence x [L, D]."""
    L, D = x.shape
    H = 4
    W = {n: p for n, p in mixer.named_parameters()}

    def conv_silu(z, w):                       # z [L, C], w [C, 4]
        out = torch.zeros_like(z)
        for t in range(L):
            for j in range(4):
                if t - 3 + j >= 0:
                    out[t] = out[t] + w[:, j] * z[t - 3 + j]
        return out * torch.sigmoid(out)

    q = conv_silu(x @ W["q_proj.weight"].T, W["q_conv.weight"])
    k = conv_silu(x @ W["k_proj.weight"].T, W["k_conv.weight"])
    v = conv_silu(x @ W["v_proj.weight"].T, W["v_conv.weight"])
    beta = torch.sigmoid(x @ W["b_proj.weight"].T)                       # [L, H]
    dk, dv = q.shape[1] // H, v.shape[1] // H
    if gated:
        z = x @ W["a_proj.weight"].T + W["dt_bias"]
        alpha = torch.exp(-torch.exp(W["A_log"]) * torch.log1p(torch.exp(z)))
        gate = x @ W["g_proj.weight"].T
        gate = gate * torch.sigmoid(gate)
    heads = []
    for h in range(H):
        S = torch.zeros(dk, dv, dtype=x.dtype)
        rows = []
        for t in range(L):
            qt = q[t, h * dk:(h + 1) * dk]
            kt = k[t, h * dk:(h + 1) * dk]
            qt = qt / torch.sqrt((qt * qt).sum() + 1e-6)
            kt = kt / torch.sqrt((kt * kt).sum() + 1e-6)
            if gated:
                qt = qt / math.sqrt(dk)
                S = alpha[t, h] * S
            vt = v[t, h * dv:(h + 1) * dv]
            S = S + beta[t, h] * torch.outer(kt, vt - S.T @ kt)
            o = S.T @ qt
            o = o / torch.sqrt((o * o).mean() + 1e-5) * W["o_norm.weight"]
            if gated:
                o = o * gate[t, h * dv:(h + 1) * dv]
            rows.append(o)
        heads.append(torch.stack(rows))
    return torch.cat(heads, dim=1) @ W["o_proj.weight"].T


@test
def test_mixers_match_a_naive_token_by_token_layer():
    for gated in (False, True):
        D = 16
        mixer = (M.GatedDeltaNetMixer(D, 4) if gated else M.DeltaNetMixer(D, M.BASELINE, 4, None)).double()
        gen = torch.Generator().manual_seed(17)
        with torch.no_grad():
            for _, p in mixer.named_parameters():
                p.copy_(torch.randn(p.shape, generator=gen, dtype=F64) * 0.5)
        x = torch.randn(2, 11, D, generator=gen, dtype=F64)
        y = mixer(x)
        for b in range(2):
            d = max_abs(y[b], _naive_mixer(mixer, x[b], gated))
            assert d <= 1e-10, f"{'gated' if gated else 'delta'} mixer vs naive layer: {d:.3e}"
    return "DeltaNet and Gated DeltaNet mixers, L=11, C=4"


@test
def test_backbones_match_a_naive_composition():
    D, V, L = 16, 7, 9
    gen = torch.Generator().manual_seed(18)
    tokens = torch.randint(0, V, (2, L), generator=gen)

    def rms(x, w):
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + 1e-5) * w

    def silu(z):
        return z * torch.sigmoid(z)

    def gelu(z):
        return 0.5 * z * (1 + torch.erf(z / math.sqrt(2)))

    for task in ("context_recall", "compress"):
        model = M.build_model(M.BASELINE, task, V, chunk_size=4, d_model=D).double()
        with torch.no_grad():
            for _, p in model.named_parameters():
                p.copy_(torch.randn(p.shape, generator=gen, dtype=F64) * 0.3 + (1 if p.dim() == 1 else 0))
        P = dict(model.named_parameters())
        h = P["embedding.weight"][tokens]
        for i in range(4):
            x = rms(h, P[f"layers.{i}.norm.weight"])
            if i in (0, 2):
                h = h + model.layers[i].mixer(x)
            else:
                w = lambda n: P[f"layers.{i}.mlp.{n}.weight"]  # noqa: E731
                h = h + (silu(x @ w("w1").T) * (x @ w("w2").T)) @ w("w3").T
        if task == "compress":
            z = h[:, L - 1]
            half = D // 2
            pe = torch.tensor([[math.sin(p * math.exp(-i * math.log(10000) / (half - 1))) for i in range(half)] +
                               [math.cos(p * math.exp(-i * math.log(10000) / (half - 1))) for i in range(half)]
                               for p in range(L)], dtype=F64)
            u = z[:, None, :] + pe[None]
            u = gelu(rms(u, P["decoder.norm1.weight"]) @ P["decoder.fc1.weight"].T + P["decoder.fc1.bias"])
            u = gelu(rms(u, P["decoder.norm2.weight"]) @ P["decoder.fc2.weight"].T + P["decoder.fc2.bias"])
            ref = rms(u, P["decoder.norm3.weight"]) @ P["decoder.out.weight"].T + P["decoder.out.bias"]
        else:
            ref = rms(h, P["final_norm.weight"]) @ P["head.weight"].T + P["head.bias"]
        d = max_abs(model(tokens), ref)
        assert d <= 1e-10, f"{task}: {d:.3e}"
    return "LanguageModel and AutoEncoder (PE, decoder) composed by hand"


@test
def test_language_model_is_causal():
    for name in (M.BASELINE, "delta_net_4layer_adam_state_update_in_for_loop",
                 "delta_net_4layer_add_local_softmax_attention_in_for_loop", M.GATED):
        model = M.build_model(name, "context_recall", 8, chunk_size=8, d_model=16).double()
        M.init_parameters(model, torch.Generator().manual_seed(14))
        tokens = torch.randint(0, 8, (1, 21), generator=torch.Generator().manual_seed(15))
        changed = tokens.clone()
        changed[0, 13:] = (changed[0, 13:] + 1) % 8
        d_before = max_abs(model(tokens)[:, :13], model(changed)[:, :13])
        d_after = max_abs(model(tokens)[:, 13:], model(changed)[:, 13:])
        assert d_before <= 1e-12, f"{name}: logits before t=13 changed by {d_before:.3e}"
        assert d_after > 1e-8, f"{name}: logits after t=13 did not change"
    return "future tokens never change past logits"


@test
def test_initialisation_follows_the_spec():
    model = M.build_model(M.GATED, "compress", 16)
    M.init_parameters(model, torch.Generator().manual_seed(16))
    p = dict(model.named_parameters())
    assert (p["layers.0.norm.weight"] == 1).all() and (p["decoder.norm3.weight"] == 1).all()
    assert (p["layers.0.mixer.o_norm.weight"] == 1).all() and (p["decoder.fc1.bias"] == 0).all()
    assert abs(p["layers.1.mlp.w1.weight"].std().item() - 0.02) < 1e-3
    assert p["layers.0.mixer.q_conv.weight"].abs().max() <= 0.5
    dt = torch.nn.functional.softplus(p["layers.0.mixer.dt_bias"])
    assert ((dt >= 1e-3 - 1e-9) & (dt <= 0.1 + 1e-9)).all(), f"softplus(dt_bias) = {dt}"
    assert (p["layers.2.mixer.A_log"] <= math.log(16)).all()
    return "norms 1, biases 0, std 0.02, conv U(-.5,.5), dt in [1e-3, 0.1]"


# ---------------------------------------------------------------------------------------------------------
# check_probe.py on fixtures written by the reference itself
# ---------------------------------------------------------------------------------------------------------

def _check_quietly(path):
    lines = []
    ok = check_probe.check_probe_file(path, brief=True, out=lines.append)
    return ok, lines


@test
def test_check_probe_passes_on_fixtures_and_fails_on_corrupted_ones():
    with tempfile.TemporaryDirectory() as tmp:
        cases = [(M.BASELINE, "context_recall", {"seq_len": 40}, None),
                 (M.GATED, "compress", {"seq_len": 16}, None),
                 ("delta_net_4layer_decay_state_update_in_for_loop", "memorize", {"vocab_size": 32, "seq_len": 20},
                  {"gamma": 0.8})]
        for variant, task, setting, constants in cases:
            path = os.path.join(tmp, f"{variant}-{task}.h5")
            make_probe_fixture.write_probe(path, variant, task, setting, seed=3, batch=2, chunk_size=16,
                                           constants=constants)
            ok, lines = _check_quietly(path)
            assert ok, f"{variant}/{task} fixture fails:\n" + "\n".join(lines)

        path = os.path.join(tmp, "flip.h5")
        make_probe_fixture.write_probe(path, M.BASELINE, "context_recall", {"seq_len": 40}, 3, 2, 16,
                                       corrupt="flip_grad_sign:layers.2.mixer.k_conv.weight")
        ok, lines = _check_quietly(path)
        assert not ok and any("FAIL grad layers.2.mixer.k_conv.weight" in s for s in lines), "\n".join(lines)

        path = os.path.join(tmp, "logit.h5")
        make_probe_fixture.write_probe(path, M.GATED, "compress", {"seq_len": 16}, 3, 2, 16, corrupt="perturb_logit")
        ok, lines = _check_quietly(path)
        assert not ok and any("FAIL logits" in s for s in lines), "\n".join(lines)

        path = os.path.join(tmp, "constants.h5")   # the probe ran with gamma = 0.8 but says 0.95
        make_probe_fixture.write_probe(path, "delta_net_4layer_decay_state_update_in_for_loop", "context_recall",
                                       {"seq_len": 40}, 3, 2, 16, constants={"gamma": 0.8})
        with h5py.File(path, "r+") as f:
            del f["config"]
            f.create_dataset("config", data='{"variant":"delta_net_4layer_decay_state_update_in_for_loop",'
                             '"task":"context_recall","setting":{"vocab_size":16,"seq_len":40},"chunk_size":16}',
                             dtype=h5py.string_dtype("utf-8"))
        ok, lines = _check_quietly(path)
        assert not ok, "a probe run with other constants must fail"

        path = os.path.join(tmp, "missing.h5")
        make_probe_fixture.write_probe(path, M.BASELINE, "context_recall", {"seq_len": 40}, 3, 2, 16)
        with h5py.File(path, "r+") as f:
            del f["grads/head.bias"]
            f["params/extra.weight"] = f["params/head.bias"][()]
        ok, lines = _check_quietly(path)
        assert not ok and any("lacks" in s for s in lines) and any("extra.weight" in s for s in lines), \
            "\n".join(lines)
    return "3 fixtures pass; flipped grad, 1% logit, wrong constants, missing/extra names fail"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run only tests whose name contains this")
    args = ap.parse_args()
    torch.set_num_threads(1)   # tiny shapes: threads only add synchronisation
    failed = 0
    t_all = time.time()
    for fn in TESTS:
        if args.k not in fn.__name__:
            continue
        t0 = time.time()
        try:
            note = fn() or ""
            print(f"PASS {fn.__name__} ({time.time() - t0:.1f}s) {note}")
        except Exception:  # noqa: BLE001 - every failure is reported, the run goes on
            failed += 1
            print(f"FAIL {fn.__name__} ({time.time() - t0:.1f}s)")
            traceback.print_exc(file=sys.stdout)
    print(f"self_test: {failed} failed, {time.time() - t_all:.1f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
