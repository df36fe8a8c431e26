/* The AutoEncoder's decoder (model.md §2): the encoder's state at the last (compress-token)
 * position, plus a fixed sinusoidal position code, decoded at every position with the same
 * weights. */
#include <math.h>
#include <stdio.h>

#include "madsweep/error.h"
#include "madsweep/model.h"
#include "madsweep/ops.h"

static const float RMSNORM_EPS = 1e-5f;

int decoder_add_params(params_t *p, int d_model, int vocab_size, decoder_t *d)
{
    int dm = d_model;
    d->norm1 = params_add(p, "decoder.norm1.weight", 1, (int[]){dm}, INIT_ONES, 0, 0);
    d->fc1_weight = params_add(p, "decoder.fc1.weight", 2, (int[]){dm, dm}, INIT_NORMAL, 0.02f, 0);
    d->fc1_bias = params_add(p, "decoder.fc1.bias", 1, (int[]){dm}, INIT_ZEROS, 0, 0);
    d->norm2 = params_add(p, "decoder.norm2.weight", 1, (int[]){dm}, INIT_ONES, 0, 0);
    d->fc2_weight = params_add(p, "decoder.fc2.weight", 2, (int[]){dm, dm}, INIT_NORMAL, 0.02f, 0);
    d->fc2_bias = params_add(p, "decoder.fc2.bias", 1, (int[]){dm}, INIT_ZEROS, 0, 0);
    d->norm3 = params_add(p, "decoder.norm3.weight", 1, (int[]){dm}, INIT_ONES, 0, 0);
    d->out_weight = params_add(p, "decoder.out.weight", 2, (int[]){vocab_size, dm}, INIT_NORMAL, 0.02f, 0);
    d->out_bias = params_add(p, "decoder.out.bias", 1, (int[]){vocab_size}, INIT_ZEROS, 0, 0);
    return d->out_bias < 0 ? MS_ERR_RUN : MS_OK;
}

/* PE[p] = [sin(p f_0) .. sin(p f_{half-1}), cos(p f_0) .. cos(p f_{half-1})],
 * f_i = exp(-i ln(10000) / (half - 1)), repeated for each of the batch's sequences. */
static tensor_t *position_code(tape_t *t, int batch, int len, int d)
{
    tensor_t *pe = tensor_new(t, 2, (int[]){batch * len, d});
    if (!pe)
        return NULL;
    int half = d / 2;
    for (int pos = 0; pos < len; pos++)
        for (int i = 0; i < half; i++) {
            double f = exp(-i * log(10000.0) / (half - 1));
            pe->data[(size_t)pos * d + i] = (float)sin(pos * f);
            pe->data[(size_t)pos * d + half + i] = (float)cos(pos * f);
        }
    for (int b = 1; b < batch; b++)
        for (size_t j = 0; j < (size_t)len * d; j++)
            pe->data[(size_t)b * len * d + j] = pe->data[j];
    return pe;
}

static tensor_t *dense(tape_t *t, const params_t *p, int norm, int w, int b, tensor_t *x)
{
    tensor_t *n = op_rmsnorm(t, x, params_tensor(t, p, norm), RMSNORM_EPS);
    return op_linear(t, n, params_tensor(t, p, w), params_tensor(t, p, b));
}

tensor_t *decoder_forward(tape_t *t, const params_t *p, const decoder_t *d, tensor_t *h, int batch, int len)
{
    if (!h)
        return NULL;
    /* row b*L + pos of z is h[b, L-1]: every position starts from the sequence's bottleneck */
    int32_t *last = arena_alloc(&t->arena, (size_t)batch * len * sizeof *last);
    if (!last)
        return tape_fail(t, "decoder", "out of memory");
    for (int b = 0; b < batch; b++)
        for (int pos = 0; pos < len; pos++)
            last[b * len + pos] = b * len + len - 1;
    tensor_t *z = op_gather_rows(t, h, last, batch * len);
    tensor_t *u = op_add(t, z, position_code(t, batch, len, tensor_cols(h)));
    u = op_unary(t, dense(t, p, d->norm1, d->fc1_weight, d->fc1_bias, u), UNARY_GELU);
    u = op_unary(t, dense(t, p, d->norm2, d->fc2_weight, d->fc2_bias, u), UNARY_GELU);
    return dense(t, p, d->norm3, d->out_weight, d->out_bias, u);
}
