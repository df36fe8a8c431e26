"""An independent PyTorch implementation of every madsweep model.

Written from shared/spec/model.md and shared/spec/chunk-loop.md only; it is the oracle the C program's
`probe` files are compared with (check_probe.py). Gradients come from torch.autograd, never from hand-derived
backward code, so they are independent of the C side's backward kernels.

Readings of the spec where it leaves room are listed in README.md beside this file.

Layout conventions: tokens are rows; Linear weights are [out, in] (PyTorch's); every function works in the
dtype of its inputs (float64 for the reference check, float32 for the benchmark).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

IGN = -100
D_MODEL = 128
N_HEADS = 4
NORM_EPS = 1e-5          # every RMSNorm (model.md §1), including the per-head output norms
L2NORM_EPS = 1e-6        # l2norm of q and k (model.md §3)
ERROR_GATE_EPS = 1e-6    # r_c = sqrt(||Ut_c||^2 + 1e-6) of variants #7 and #10 (fixed, not overridable)

BASELINE = "delta_net_4layer"
GATED = "gated_delta_net_4layer"


# --------------------------------------------------------------------------------------------------------------
# Small pieces shared by the loops and the layers
# --------------------------------------------------------------------------------------------------------------

def l2norm(x, eps=L2NORM_EPS):
    # model.md §3: y = x / sqrt(sum(x^2) + eps), over the last axis
    return x * torch.rsqrt((x * x).sum(-1, keepdim=True) + eps)


def rms_norm(x, weight, eps=NORM_EPS):
    # model.md §1: x / sqrt(mean(x^2) + eps) * w, over the last axis
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * weight


def softplus_thresholded(z):
    # model.md §4: log(1 + e^z), taken as z when z > 20
    return torch.where(z > 20, z, torch.log1p(torch.exp(torch.clamp(z, max=20.0))))


def causal_masks(C, device):
    incl = torch.tril(torch.ones(C, C, dtype=torch.bool, device=device))
    strict = torch.tril(torch.ones(C, C, dtype=torch.bool, device=device), diagonal=-1)
    return incl, strict


def softmax_causal(Z, incl):
    # chunk-loop.md: a row softmax over c <= r
    return Z.masked_fill(~incl, float("-inf")).softmax(dim=-1)


def _flatten_heads(*xs):
    """[..., L, d] -> [BH, L, d] (beta/g: [..., L] -> [BH, L]); returns the leading shape too."""
    lead = xs[0].shape[:-2]
    out = []
    for x in xs:
        if x.dim() == len(lead) + 2:
            out.append(x.reshape(-1, x.shape[-2], x.shape[-1]))
        else:
            out.append(x.reshape(-1, x.shape[-1]))
    return lead, out


def _pad_rows(x, pad):
    # chunk-loop.md §1: right-pad the sequence axis with zeros (beta = 0 there, so nothing is written)
    if pad == 0:
        return x
    if x.dim() == 3:
        return F.pad(x, (0, 0, 0, pad))
    return F.pad(x, (0, pad))


# --------------------------------------------------------------------------------------------------------------
# The thirteen variants (chunk-loop.md §5): which lines of the baseline body they change
# --------------------------------------------------------------------------------------------------------------

def _scores_incl(Q, K, QK, c, incl):                          # L1 of the baseline
    return QK.masked_fill(~incl, 0.0)


def _scores_softmax(Q, K, QK, c, incl):                       # #8
    return softmax_causal(QK, incl)


def _scores_cosine_softmax(Q, K, QK, c, incl):                # #9, #10
    s = c["temperature"]
    if s is None:
        s = math.sqrt(Q.shape[-1])
    qh, kh = l2norm(Q), l2norm(K)
    return softmax_causal(s * (qh @ kh.transpose(-1, -2)), incl)


def _scores_sigmoid_gate(Q, K, QK, c, incl):                  # #11
    return (QK * torch.sigmoid(QK)).masked_fill(~incl, 0.0)


def _update_plain(S, G, Ut, Kn, n, st, c):                    # L5 of the baseline
    return S + G


def _update_decay(S, G, Ut, Kn, n, st, c):                    # #2
    return c["gamma"] * S + G


def _update_momentum(S, G, Ut, Kn, n, st, c):                 # #3
    st["M"] = c["mu"] * st.get("M", torch.zeros_like(S)) + G
    return S + st["M"]


def _update_rmsprop(S, G, Ut, Kn, n, st, c):                  # #4
    st["Vs"] = c["rho"] * st.get("Vs", torch.zeros_like(S)) + (1 - c["rho"]) * G * G
    return S + c["eta"] * G / torch.sqrt(st["Vs"] + c["eps"])


def _update_adam(S, G, Ut, Kn, n, st, c):                     # #5, t = n + 1
    b1, b2, t = c["beta1"], c["beta2"], n + 1
    st["M"] = b1 * st.get("M", torch.zeros_like(S)) + (1 - b1) * G
    st["Vs"] = b2 * st.get("Vs", torch.zeros_like(S)) + (1 - b2) * G * G
    mhat = st["M"] / (1 - b1 ** t)
    vhat = st["Vs"] / (1 - b2 ** t)
    return S + c["eta"] * mhat / torch.sqrt(vhat + c["eps"])


def _update_layernorm(S, G, Ut, Kn, n, st, c):                # #6: rows (key index) over d_v, biased variance
    X = S + G
    mu = X.mean(-1, keepdim=True)
    Xc = X - mu
    var = (Xc * Xc).mean(-1, keepdim=True)
    return Xc / torch.sqrt(var + c["eps"])


def _update_error_gated(S, G, Ut, Kn, n, st, c):              # #7, #10: the gate replaces G
    r = torch.sqrt((Ut * Ut).sum(-1, keepdim=True) + ERROR_GATE_EPS)
    return S + Kn.transpose(-1, -2) @ (torch.sigmoid(r) * Ut)


def _extra_local_softmax(Qn, Kn, Vbn, QKn, c, incl):          # #12: + softmax_causal(Q K^T) Vb
    return softmax_causal(QKn, incl) @ Vbn


class Variant:
    def __init__(self, name, scores=_scores_incl, update=_update_plain, extra=None, defaults=None,
                 uses_G=True):
        self.name = name
        self.scores = scores
        self.update = update
        self.extra = extra
        self.defaults = dict(defaults or {})
        self.uses_G = uses_G


_V = [
    Variant(BASELINE),
    Variant("delta_net_4layer_decay_state_update_in_for_loop", update=_update_decay,
            defaults={"gamma": 0.95}),
    Variant("delta_net_4layer_momentum_state_update_in_for_loop", update=_update_momentum,
            defaults={"mu": 0.9}),
    Variant("delta_net_4layer_rmsprop_state_update_in_for_loop", update=_update_rmsprop,
            defaults={"rho": 0.99, "eta": 0.1, "eps": 1e-8}),
    Variant("delta_net_4layer_adam_state_update_in_for_loop", update=_update_adam,
            defaults={"beta1": 0.9, "beta2": 0.999, "eta": 1.0, "eps": 1e-8}),
    Variant("delta_net_4layer_layernorm_state_update_in_for_loop", update=_update_layernorm,
            defaults={"eps": 1e-5}),
    Variant("delta_net_4layer_error_gated_state_update_in_for_loop", update=_update_error_gated,
            uses_G=False),
    Variant("delta_net_4layer_softmax_attention_in_for_loop", scores=_scores_softmax),
    Variant("delta_net_4layer_cosine_softmax_attention_in_for_loop", scores=_scores_cosine_softmax,
            defaults={"temperature": None}),
    Variant("delta_net_4layer_cosine_softmax_attention_error_gated_update_in_for_loop",
            scores=_scores_cosine_softmax, update=_update_error_gated, uses_G=False,
            defaults={"temperature": None}),
    Variant("delta_net_4layer_sigmoid_similarity_gate_in_for_loop", scores=_scores_sigmoid_gate),
    Variant("delta_net_4layer_add_local_softmax_attention_in_for_loop", extra=_extra_local_softmax),
    Variant(GATED),   # its loop is gated_chunk_loop; the entry only carries the name
]
VARIANTS = {v.name: v for v in _V}
VARIANT_NAMES = [v.name for v in _V]
CONSTANT_NAMES = ("gamma", "mu", "rho", "eta", "eps", "beta1", "beta2", "temperature")


def resolve_constants(variant, overrides=None):
    """The variant's constants: its defaults, overridden by name. Returns (constants, ignored_names):
    names the variant does not use are ignored (a probe may carry a sweep's constants for other variants)."""
    if variant not in VARIANTS:
        raise KeyError(f"unknown variant {variant!r}; known: {', '.join(VARIANT_NAMES)}")
    c = dict(VARIANTS[variant].defaults)
    ignored = []
    for k, val in (overrides or {}).items():
        if k in c:
            c[k] = None if val is None else float(val)
        else:
            ignored.append(k)
    return c, ignored


# --------------------------------------------------------------------------------------------------------------
# The chunk loops (chunk-loop.md §1-5) and the token recurrences they must equal
# --------------------------------------------------------------------------------------------------------------

def chunk_loop(q, k, v, beta, variant=BASELINE, chunk_size=32, constants=None):
    """chunk-loop.md §1-3 and §5.
    q, k: [..., L, d_k]   v: [..., L, d_v]   beta: [..., L]   ->   o: [..., L, d_v]
    Leading axes (batch, heads) are flattened into one batch axis for batched matmuls."""
    spec = VARIANTS[variant]
    if variant == GATED:
        raise ValueError("gated_delta_net_4layer uses gated_chunk_loop (it needs the log-decays g)")
    c, _ = resolve_constants(variant, constants)
    lead, (q, k, v, beta) = _flatten_heads(q, k, v, beta)
    BH, L, dk = q.shape
    dv = v.shape[-1]
    C = int(chunk_size)
    N = (L + C - 1) // C
    pad = N * C - L
    q, k, v, beta = (_pad_rows(x, pad) for x in (q, k, v, beta))

    Q = q.reshape(BH, N, C, dk)
    K = k.reshape(BH, N, C, dk)
    V = v.reshape(BH, N, C, dv)
    b = beta.reshape(BH, N, C, 1)
    incl, strict = causal_masks(C, q.device)
    eye = torch.eye(C, dtype=q.dtype, device=q.device)

    # §2, the WY form for every chunk at once: (I - A) with A = -strict(Kb K^T); U = T Vb, W = T Kb
    Vb = b * V
    Kb = b * K
    I_minus_A = eye + (Kb @ K.transpose(-1, -2)).masked_fill(~strict, 0.0)
    U = torch.linalg.solve_triangular(I_minus_A, Vb, upper=False, unitriangular=True)
    W = torch.linalg.solve_triangular(I_minus_A, Kb, upper=False, unitriangular=True)

    QK = Q @ K.transpose(-1, -2)
    P = spec.scores(Q, K, QK, c, incl)                                  # L1, independent of S

    S = torch.zeros(BH, dk, dv, dtype=q.dtype, device=q.device)
    extra_state = {}
    outs = []
    # unbind: one backward per tensor instead of a full-size zero gradient per chunk slice
    Qs, Ks, Us, Ws, Ps = (x.unbind(1) for x in (Q, K, U, W, P))
    Vbs, QKs = (Vb.unbind(1), QK.unbind(1)) if spec.extra is not None else (None, None)
    for n in range(N):
        Kn = Ks[n]
        Ut = Us[n] - Ws[n] @ S                                          # L2
        O = Qs[n] @ S + Ps[n] @ Ut                                      # L4
        if spec.extra is not None:
            O = O + spec.extra(Qs[n], Kn, Vbs[n], QKs[n], c, incl)
        G = Kn.transpose(-1, -2) @ Ut if spec.uses_G else None
        S = spec.update(S, G, Ut, Kn, n, extra_state, c)                # L5
        outs.append(O)
    o = torch.stack(outs, dim=1).reshape(BH, N * C, dv)[:, :L]
    return o.reshape(*lead, L, dv)


def delta_rule_recurrent(q, k, v, beta):
    """chunk-loop.md §3, token by token: S_t = S_{t-1} + beta_t k_t (v_t - S_{t-1}^T k_t)^T, o_t = S_t^T q_t."""
    lead, (q, k, v, beta) = _flatten_heads(q, k, v, beta)
    BH, L, dk = q.shape
    dv = v.shape[-1]
    S = torch.zeros(BH, dk, dv, dtype=q.dtype, device=q.device)
    outs = []
    for t in range(L):
        kt, vt, qt, bt = k[:, t], v[:, t], q[:, t], beta[:, t, None]
        err = vt - torch.einsum("bkv,bk->bv", S, kt)
        S = S + torch.einsum("bk,bv->bkv", kt, bt * err)
        outs.append(torch.einsum("bkv,bk->bv", S, qt))
    return torch.stack(outs, dim=1).reshape(*lead, L, dv)


def gated_chunk_loop(q, k, v, beta, g, chunk_size=32):
    """chunk-loop.md §4. g: [..., L] log-decays (alpha = exp(g)); padded rows get g = 0 and beta = 0."""
    lead, (q, k, v, beta, g) = _flatten_heads(q, k, v, beta, g)
    BH, L, dk = q.shape
    dv = v.shape[-1]
    C = int(chunk_size)
    N = (L + C - 1) // C
    pad = N * C - L
    q, k, v, beta, g = (_pad_rows(x, pad) for x in (q, k, v, beta, g))

    Q = q.reshape(BH, N, C, dk)
    K = k.reshape(BH, N, C, dk)
    V = v.reshape(BH, N, C, dv)
    b = beta.reshape(BH, N, C, 1)
    gam = torch.cumsum(g.reshape(BH, N, C), dim=-1)                    # gam_r = sum_{j<=r} g_j
    incl, strict = causal_masks(C, q.device)
    eye = torch.eye(C, dtype=q.dtype, device=q.device)
    # Gam[r,c] = exp(gam_r - gam_c) for r >= c. Mask before exp: above the diagonal the difference is
    # positive and may overflow, and inf * 0 would poison the backward.
    diff = gam[..., :, None] - gam[..., None, :]
    Gam = torch.exp(diff.masked_fill(~incl, float("-inf")))

    Vb = b * V
    Kb = b * K
    e_gam = torch.exp(gam)[..., None]
    I_minus_A = eye + ((Kb @ K.transpose(-1, -2)) * Gam).masked_fill(~strict, 0.0)
    U = torch.linalg.solve_triangular(I_minus_A, Vb, upper=False, unitriangular=True)
    W = torch.linalg.solve_triangular(I_minus_A, Kb * e_gam, upper=False, unitriangular=True)
    P = ((Q @ K.transpose(-1, -2)) * Gam).masked_fill(~incl, 0.0)
    Qg = Q * e_gam
    gam_last = gam[..., -1:]                                            # [BH, N, 1]
    Kd = K * torch.exp(gam_last - gam)[..., None]                       # K * exp(gam_last - gam)

    S = torch.zeros(BH, dk, dv, dtype=q.dtype, device=q.device)
    outs = []
    Qgs, Us, Ws, Ps, Kds = (x.unbind(1) for x in (Qg, U, W, P, Kd))
    decay_last = torch.exp(gam_last)[..., None].unbind(1)              # [BH, 1, 1] per chunk
    for n in range(N):
        Ut = Us[n] - Ws[n] @ S
        outs.append(Qgs[n] @ S + Ps[n] @ Ut)
        S = decay_last[n] * S + Kds[n].transpose(-1, -2) @ Ut
    o = torch.stack(outs, dim=1).reshape(BH, N * C, dv)[:, :L]
    return o.reshape(*lead, L, dv)


def gated_delta_rule_recurrent(q, k, v, beta, g):
    """chunk-loop.md §4, token form: S' = alpha_t S_{t-1}; S_t = S' + beta_t k_t (v_t - S'^T k_t)^T; o_t = S_t^T q_t."""
    lead, (q, k, v, beta, g) = _flatten_heads(q, k, v, beta, g)
    BH, L, dk = q.shape
    dv = v.shape[-1]
    S = torch.zeros(BH, dk, dv, dtype=q.dtype, device=q.device)
    outs = []
    for t in range(L):
        kt, vt, qt, bt = k[:, t], v[:, t], q[:, t], beta[:, t, None]
        Sp = torch.exp(g[:, t])[:, None, None] * S
        err = vt - torch.einsum("bkv,bk->bv", Sp, kt)
        S = Sp + torch.einsum("bk,bv->bkv", kt, bt * err)
        outs.append(torch.einsum("bkv,bk->bv", S, qt))
    return torch.stack(outs, dim=1).reshape(*lead, L, dv)


# --------------------------------------------------------------------------------------------------------------
# Layers (model.md §1-4); parameter names follow the probe file layout
# --------------------------------------------------------------------------------------------------------------

class RMSNorm(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))

    def forward(self, x):
        return rms_norm(x, self.weight)


class ShortConv(nn.Module):
    """conv4: depthwise causal width-4 convolution, no bias. weight [channels, 4]; w[c,3] is the current token:
    y[t,c] = sum_j w[c,j] x[t-3+j, c], x[t'] = 0 for t' < 0.   x [B, L, channels] -> y [B, L, channels]"""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels, 4))

    def forward(self, x):
        L = x.shape[1]
        xp = F.pad(x, (0, 0, 3, 0))
        y = xp[:, 0:L] * self.weight[:, 0]
        for j in range(1, 4):
            y = y + xp[:, j:j + L] * self.weight[:, j]
        return y


def _split_heads(x, H):
    B, L, W = x.shape
    return x.reshape(B, L, H, W // H).transpose(1, 2)                   # [B, H, L, d]


def _merge_heads(x):
    B, H, L, d = x.shape
    return x.transpose(1, 2).reshape(B, L, H * d)


class DeltaNetMixer(nn.Module):
    """model.md §3: q, k, v = silu(conv4(x W)); beta = sigmoid(x Wb); l2norm q, k per head (no 1/sqrt(d));
    o = chunk_loop(...); per-head RMSNorm (one weight of length d shared by heads); merge; o_proj."""

    def __init__(self, D, variant, chunk_size, constants):
        super().__init__()
        self.H = N_HEADS
        self.d = D // N_HEADS
        self.variant = variant
        self.chunk_size = chunk_size
        self.constants = dict(constants or {})
        self.q_proj = nn.Linear(D, D, bias=False)
        self.k_proj = nn.Linear(D, D, bias=False)
        self.v_proj = nn.Linear(D, D, bias=False)
        self.b_proj = nn.Linear(D, self.H, bias=False)
        self.q_conv = ShortConv(D)
        self.k_conv = ShortConv(D)
        self.v_conv = ShortConv(D)
        self.o_norm = RMSNorm(self.d)
        self.o_proj = nn.Linear(D, D, bias=False)

    def forward(self, x):                                               # x [B, L, D] -> [B, L, D]
        q = F.silu(self.q_conv(self.q_proj(x)))
        k = F.silu(self.k_conv(self.k_proj(x)))
        v = F.silu(self.v_conv(self.v_proj(x)))
        beta = torch.sigmoid(self.b_proj(x)).transpose(1, 2)             # [B, H, L]
        q = l2norm(_split_heads(q, self.H))
        k = l2norm(_split_heads(k, self.H))
        v = _split_heads(v, self.H)
        o = chunk_loop(q, k, v, beta, self.variant, self.chunk_size, self.constants)
        o = self.o_norm(o)
        return self.o_proj(_merge_heads(o))


class GatedDeltaNetMixer(nn.Module):
    """model.md §4: key width D (heads of D/H), value width 2D (heads of 2D/H), output gate, q scaled."""

    def __init__(self, D, chunk_size):
        super().__init__()
        self.H = N_HEADS
        self.dk = D // N_HEADS
        self.dv = 2 * D // N_HEADS
        self.chunk_size = chunk_size
        self.q_proj = nn.Linear(D, D, bias=False)
        self.k_proj = nn.Linear(D, D, bias=False)
        self.v_proj = nn.Linear(D, 2 * D, bias=False)
        self.b_proj = nn.Linear(D, self.H, bias=False)
        self.a_proj = nn.Linear(D, self.H, bias=False)
        self.A_log = nn.Parameter(torch.zeros(self.H))
        self.dt_bias = nn.Parameter(torch.zeros(self.H))
        self.g_proj = nn.Linear(D, 2 * D, bias=False)
        self.q_conv = ShortConv(D)
        self.k_conv = ShortConv(D)
        self.v_conv = ShortConv(2 * D)
        self.o_norm = RMSNorm(self.dv)
        self.o_proj = nn.Linear(2 * D, D, bias=False)

    def forward(self, x):
        q = F.silu(self.q_conv(self.q_proj(x)))
        k = F.silu(self.k_conv(self.k_proj(x)))
        v = F.silu(self.v_conv(self.v_proj(x)))
        beta = torch.sigmoid(self.b_proj(x)).transpose(1, 2)                                  # [B, H, L]
        g = (-torch.exp(self.A_log) * softplus_thresholded(self.a_proj(x) + self.dt_bias)).transpose(1, 2)
        q = l2norm(_split_heads(q, self.H)) / math.sqrt(self.dk)
        k = l2norm(_split_heads(k, self.H))
        v = _split_heads(v, self.H)
        o = gated_chunk_loop(q, k, v, beta, g, self.chunk_size)
        o = self.o_norm(o) * _split_heads(F.silu(self.g_proj(x)), self.H)
        return self.o_proj(_merge_heads(o))


def swiglu_width(D):
    # model.md §1: 16 * ceil(floor(2*D*4/3) / 16); 352 for D = 128
    return 16 * ((int(2 * D * 4 / 3) + 15) // 16)


class SwiGLU(nn.Module):
    def __init__(self, D):
        super().__init__()
        I = swiglu_width(D)
        self.w1 = nn.Linear(D, I, bias=False)
        self.w2 = nn.Linear(D, I, bias=False)
        self.w3 = nn.Linear(I, D, bias=False)

    def forward(self, x):
        return self.w3(F.silu(self.w1(x)) * self.w2(x))


class Block(nn.Module):
    """h + layer(RMSNorm(h)); a block holds either `mixer` or `mlp`."""

    def __init__(self, D, layer, name):
        super().__init__()
        self.norm = RMSNorm(D)
        self.kind = name
        setattr(self, name, layer)

    def forward(self, h):
        return h + getattr(self, self.kind)(self.norm(h))


def _make_layers(D, variant, chunk_size, constants):
    def mixer():
        if variant == GATED:
            return GatedDeltaNetMixer(D, chunk_size)
        return DeltaNetMixer(D, variant, chunk_size, constants)
    return nn.ModuleList([Block(D, mixer(), "mixer"), Block(D, SwiGLU(D), "mlp"),
                          Block(D, mixer(), "mixer"), Block(D, SwiGLU(D), "mlp")])


class LanguageModel(nn.Module):
    """model.md §1.   tokens [B, L] (int) -> logits [B, L, V]"""

    def __init__(self, vocab_size, variant=BASELINE, d_model=D_MODEL, chunk_size=32, constants=None):
        super().__init__()
        if variant not in VARIANTS:
            raise KeyError(f"unknown variant {variant!r}")
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.layers = _make_layers(d_model, variant, chunk_size, constants)
        self.final_norm = RMSNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=True)

    def forward(self, tokens):
        h = self.embedding(tokens)
        for layer in self.layers:
            h = layer(h)
        return self.head(self.final_norm(h))


def sinusoidal_table(L, D, dtype=torch.float64):
    # model.md §2: f_i = exp(-i ln(10000) / (half-1)); PE[p] = [sin(p f_i) ..., cos(p f_i) ...]
    half = D // 2
    i = torch.arange(half, dtype=torch.float64)
    f = torch.exp(-i * math.log(10000.0) / (half - 1))
    ang = torch.arange(L, dtype=torch.float64)[:, None] * f[None, :]
    return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1).to(dtype)


class Decoder(nn.Module):
    def __init__(self, D, vocab_size):
        super().__init__()
        self.norm1 = RMSNorm(D)
        self.fc1 = nn.Linear(D, D, bias=True)
        self.norm2 = RMSNorm(D)
        self.fc2 = nn.Linear(D, D, bias=True)
        self.norm3 = RMSNorm(D)
        self.out = nn.Linear(D, vocab_size, bias=True)

    def forward(self, z, L):                                            # z [B, D] -> logits [B, L, V]
        u = z[:, None, :] + sinusoidal_table(L, z.shape[-1], z.dtype).to(z.device)[None]
        u = F.gelu(self.fc1(self.norm1(u)))                             # exact (erf) gelu
        u = F.gelu(self.fc2(self.norm2(u)))
        return self.out(self.norm3(u))


class AutoEncoder(nn.Module):
    """model.md §2 (compress). The encoder's names are the language model's without final_norm and head."""

    def __init__(self, vocab_size, variant=BASELINE, d_model=D_MODEL, chunk_size=32, constants=None):
        super().__init__()
        if variant not in VARIANTS:
            raise KeyError(f"unknown variant {variant!r}")
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.layers = _make_layers(d_model, variant, chunk_size, constants)
        self.decoder = Decoder(d_model, vocab_size)

    def forward(self, tokens):
        h = self.embedding(tokens)
        for layer in self.layers:
            h = layer(h)
        z = h[:, -1]                                                    # the raw residual stream, no norm
        return self.decoder(z, tokens.shape[1])


def build_model(variant, task, vocab_size, chunk_size=32, constants=None, d_model=D_MODEL):
    """The task decides the backbone: compress -> AutoEncoder, every other task -> LanguageModel."""
    cls = AutoEncoder if task == "compress" else LanguageModel
    return cls(vocab_size, variant=variant, d_model=d_model, chunk_size=chunk_size, constants=constants)


def loss_fn(logits, targets):
    """protocol.md §1: mean cross-entropy over the positions whose target != IGN."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1).long(),
                           ignore_index=IGN, reduction="mean")


@torch.no_grad()
def init_parameters(model, generator):
    """model.md §5, drawn from `generator` (not bit-compatible with the C program's generator)."""
    def rand(shape):
        return torch.rand(shape, generator=generator, dtype=torch.float64)

    for mname, m in model.named_modules():
        if isinstance(m, RMSNorm):
            m.weight.fill_(1.0)
        elif isinstance(m, ShortConv):
            m.weight.copy_(rand(m.weight.shape) - 0.5)                 # U(-1/sqrt(4), 1/sqrt(4))
        elif isinstance(m, (nn.Linear, nn.Embedding)):
            m.weight.copy_(torch.randn(m.weight.shape, generator=generator, dtype=torch.float64) * 0.02)
            if getattr(m, "bias", None) is not None:
                m.bias.zero_()
        elif isinstance(m, GatedDeltaNetMixer):
            m.A_log.copy_(torch.log(rand(m.A_log.shape) * 16))
            dt = torch.exp(rand(m.dt_bias.shape) * (math.log(0.1) - math.log(0.001)) + math.log(0.001))
            dt = dt.clamp(min=1e-4)
            m.dt_bias.copy_(dt + torch.log(-torch.expm1(-dt)))             # inverse softplus
