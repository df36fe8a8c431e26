/* The Gated DeltaNet mixer (model.md §4) around the gated chunk loop: key heads of head_dim,
 * value heads twice as wide (expand_v = 2), a per-head decay, q scaled, an output gate. */
#include <math.h>

#include "madsweep/error.h"
#include "madsweep/mixer.h"
#include "madsweep/ops.h"
#include "mixer_internal.h"

/* model.md §5: A = U(0, 16], A_log = log(A); dt log-uniform in [0.001, 0.1] */
static const float A_MIN = 0.0f, A_MAX = 16.0f, DT_MIN = 0.001f, DT_MAX = 0.1f;

int gated_delta_net_add_params(params_t *p, const char *prefix, const mixer_shape_t *s,
                               gated_delta_net_layer_t *l)
{
    int d = s->d_model, h = s->heads, wk = h * s->head_dim, wv = 2 * wk;
    const float std = MIXER_LINEAR_STD, bound = MIXER_CONV_BOUND;
    /* q, k, v adjacent (one product, one convolution), as in the DeltaNet mixer */
    l->q_proj = mixer_add_param(p, prefix, "q_proj.weight", wk, d, INIT_NORMAL, std, 0);
    l->k_proj = mixer_add_param(p, prefix, "k_proj.weight", wk, d, INIT_NORMAL, std, 0);
    l->v_proj = mixer_add_param(p, prefix, "v_proj.weight", wv, d, INIT_NORMAL, std, 0);
    l->b_proj = mixer_add_param(p, prefix, "b_proj.weight", h, d, INIT_NORMAL, std, 0);
    l->a_proj = mixer_add_param(p, prefix, "a_proj.weight", h, d, INIT_NORMAL, std, 0);
    l->A_log = mixer_add_param(p, prefix, "A_log", h, 0, INIT_A_LOG, A_MIN, A_MAX);
    l->dt_bias = mixer_add_param(p, prefix, "dt_bias", h, 0, INIT_DT_BIAS, DT_MIN, DT_MAX);
    l->g_proj = mixer_add_param(p, prefix, "g_proj.weight", wv, d, INIT_NORMAL, std, 0);
    l->q_conv = mixer_add_param(p, prefix, "q_conv.weight", wk, 4, INIT_UNIFORM, -bound, bound);
    l->k_conv = mixer_add_param(p, prefix, "k_conv.weight", wk, 4, INIT_UNIFORM, -bound, bound);
    l->v_conv = mixer_add_param(p, prefix, "v_conv.weight", wv, 4, INIT_UNIFORM, -bound, bound);
    l->o_norm = mixer_add_param(p, prefix, "o_norm.weight", 2 * s->head_dim, 0, INIT_ONES, 0, 0);
    l->o_proj = mixer_add_param(p, prefix, "o_proj.weight", d, wv, INIT_NORMAL, std, 0);
    return l->o_proj < 0 ? MS_ERR_RUN : MS_OK;
}

/* g = -exp(A_log) * softplus(x Wa + dt_bias) [B*L, H]: dt_bias is the a projection's bias, and
 * -exp(A_log) scales each head's column. */
static tensor_t *log_decays(tape_t *t, const params_t *p, const gated_delta_net_layer_t *l, tensor_t *x)
{
    tensor_t *a = op_linear(t, x, params_tensor(t, p, l->a_proj), params_tensor(t, p, l->dt_bias));
    tensor_t *rate = op_affine(t, op_unary(t, params_tensor(t, p, l->A_log), UNARY_EXP), -1.0f, 0.0f);
    return op_scale_cols(t, op_unary(t, a, UNARY_SOFTPLUS), rate);
}

tensor_t *gated_delta_net_forward(tape_t *t, const params_t *p, const gated_delta_net_layer_t *l,
                                  const mixer_shape_t *s, tensor_t *x, int len)
{
    int h = s->heads, dk = s->head_dim, dv = 2 * dk, c = s->chunk, wk = h * dk;
    tensor_t *qkv = op_linear(t, x, params_span(t, p, l->q_proj, 3), NULL);
    qkv = op_unary(t, op_conv4(t, qkv, params_span(t, p, l->q_conv, 3), len), UNARY_SILU);
    tensor_t *beta = op_unary(t, op_linear(t, x, params_tensor(t, p, l->b_proj), NULL), UNARY_SIGMOID);
    tensor_t *g = log_decays(t, p, l, x);
    /* q, k normalised per head; this mixer does scale q, after the norm (model.md §4) */
    tensor_t *qc = op_l2norm(t, op_to_chunks(t, qkv, 0, h, dk, len, c), MIXER_L2NORM_EPS);
    qc = op_affine(t, qc, 1.0f / sqrtf((float)dk), 0.0f);
    tensor_t *kc = op_l2norm(t, op_to_chunks(t, qkv, wk, h, dk, len, c), MIXER_L2NORM_EPS);
    tensor_t *vc = op_to_chunks(t, qkv, 2 * wk, h, dv, len, c);
    tensor_t *bc = op_to_chunks(t, beta, 0, h, 1, len, c);
    tensor_t *gc = op_to_chunks(t, g, 0, h, 1, len, c); /* zero (no decay) in padded rows */
    if (!qc || !kc || !vc || !bc || !gc)
        return NULL;
    int n_chunks = qc->shape[0];
    tensor_t **o = arena_alloc(&t->arena, (size_t)n_chunks * sizeof *o);
    if (!o)
        return tape_fail(t, "gated_delta_net", "out of memory");
    if (gated_chunk_loop(t, qc, kc, vc, bc, gc, o) != MS_OK)
        return NULL;
    tensor_t *normed = mixer_merge_heads(t, o, n_chunks, h, len, params_tensor(t, p, l->o_norm));
    tensor_t *gate = op_unary(t, op_linear(t, x, params_tensor(t, p, l->g_proj), NULL), UNARY_SILU);
    return op_linear(t, op_mul(t, normed, gate), params_tensor(t, p, l->o_proj), NULL);
}
