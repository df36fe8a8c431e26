/* The DeltaNet mixer (model.md §3) around the chunk loop. */
#include <stdio.h>

#include "madsweep/error.h"
#include "madsweep/mixer.h"
#include "madsweep/ops.h"
#include "mixer_internal.h"

int mixer_add_param(params_t *p, const char *prefix, const char *name, int rows, int cols,
                    param_init_t init, float a, float b)
{
    char full[PARAM_NAME_MAX];
    snprintf(full, sizeof full, "%s%s", prefix, name);
    return cols ? params_add(p, full, 2, (int[]){rows, cols}, init, a, b)
                : params_add(p, full, 1, (int[]){rows}, init, a, b);
}

int delta_net_add_params(params_t *p, const char *prefix, const mixer_shape_t *s,
                         delta_net_layer_t *l)
{
    int d = s->d_model, h = s->heads;
    const float std = MIXER_LINEAR_STD, bound = MIXER_CONV_BOUND;
    l->q_proj = mixer_add_param(p, prefix, "q_proj.weight", d, d, INIT_NORMAL, std, 0);
    l->k_proj = mixer_add_param(p, prefix, "k_proj.weight", d, d, INIT_NORMAL, std, 0);
    l->v_proj = mixer_add_param(p, prefix, "v_proj.weight", d, d, INIT_NORMAL, std, 0);
    l->b_proj = mixer_add_param(p, prefix, "b_proj.weight", h, d, INIT_NORMAL, std, 0);
    l->q_conv = mixer_add_param(p, prefix, "q_conv.weight", d, 4, INIT_UNIFORM, -bound, bound);
    l->k_conv = mixer_add_param(p, prefix, "k_conv.weight", d, 4, INIT_UNIFORM, -bound, bound);
    l->v_conv = mixer_add_param(p, prefix, "v_conv.weight", d, 4, INIT_UNIFORM, -bound, bound);
    l->o_norm = mixer_add_param(p, prefix, "o_norm.weight", s->head_dim, 0, INIT_ONES, 0, 0);
    l->o_proj = mixer_add_param(p, prefix, "o_proj.weight", d, d, INIT_NORMAL, std, 0);
    return l->o_proj < 0 ? MS_ERR_RUN : MS_OK;
}

tensor_t *mixer_merge_heads(tape_t *t, tensor_t *const *o, int n_chunks, int heads, int len,
                            tensor_t *norm_weight)
{
    tensor_t *merged = op_from_chunks(t, o, n_chunks, heads, len);
    if (!merged)
        return NULL;
    int rows = merged->shape[0], width = merged->shape[1];
    tensor_t *per_head = tensor_view(t, merged, 0, 2, (int[]){rows * heads, width / heads});
    tensor_t *normed = op_rmsnorm(t, per_head, norm_weight, MIXER_RMSNORM_EPS);
    return tensor_view(t, normed, 0, 2, (int[]){rows, width});
}

tensor_t *delta_net_forward(tape_t *t, const params_t *p, const delta_net_layer_t *l,
                            const mixer_shape_t *s, const variant_t *variant,
                            const double *constants, tensor_t *x, int len)
{
    int h = s->heads, d = s->head_dim, c = s->chunk;
    /* q, k, v = silu(conv4(x W^T)) as one product: the three projections and the three
     * convolutions are adjacent parameters, so they form [3D, D] and [3D, 4] */
    tensor_t *qkv = op_linear(t, x, params_span(t, p, l->q_proj, 3), NULL);
    qkv = op_unary(t, op_conv4(t, qkv, params_span(t, p, l->q_conv, 3), len), UNARY_SILU);
    tensor_t *beta = op_unary(t, op_linear(t, x, params_tensor(t, p, l->b_proj), NULL), UNARY_SIGMOID);
    /* q and k are normalised per head; no 1/sqrt(d) on q (model.md §3) */
    int dm = s->d_model;
    tensor_t *qc = op_l2norm(t, op_to_chunks(t, qkv, 0, h, d, len, c), MIXER_L2NORM_EPS);
    tensor_t *kc = op_l2norm(t, op_to_chunks(t, qkv, dm, h, d, len, c), MIXER_L2NORM_EPS);
    tensor_t *vc = op_to_chunks(t, qkv, 2 * dm, h, d, len, c);
    tensor_t *bc = op_to_chunks(t, beta, 0, h, 1, len, c);
    if (!qc || !kc || !vc || !bc)
        return NULL;
    int n_chunks = qc->shape[0];
    tensor_t **o = arena_alloc(&t->arena, (size_t)n_chunks * sizeof *o);
    if (!o)
        return tape_fail(t, "delta_net", "out of memory");
    if (chunk_loop(t, variant, constants, qc, kc, vc, bc, o) != MS_OK)
        return NULL;
    tensor_t *normed = mixer_merge_heads(t, o, n_chunks, h, len, params_tensor(t, p, l->o_norm));
    return op_linear(t, normed, params_tensor(t, p, l->o_proj), NULL);
}
