/* Normalisations over the last dimension. Each forward keeps one scale per row (rstd) for its
 * backward, as llm.c does. */
#include <math.h>

#include "ops_internal.h"

/* ---- rmsnorm: y = x * rstd * w, rstd = 1 / sqrt(mean(x^2) + eps) ---- */

static void rmsnorm_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0], *w = nd->in[1];
    const float *dy = tensor_grad(t, nd->out), *rstd = nd->saved;
    bool fresh = false;
    float *dx = x->requires_grad ? tensor_grad_for_overwrite(t, x, &fresh) : NULL;
    float *dw = w->requires_grad ? tensor_grad(t, w) : NULL;
    if (!dy)
        return;
    size_t rows = tensor_rows(x);
    int c = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->data + r * c, *dyr = dy + r * c;
        float s = rstd[r];
        if (dx) {
            /* dx_j = s w_j dy_j - s^3 x_j / c * sum_i w_i dy_i x_i */
            float dot = 0.0f;
            for (int j = 0; j < c; j++)
                dot += w->data[j] * dyr[j] * xr[j];
            float k = s * s * s * dot / (float)c;
            const float *wd = w->data;
            GRAD_STORE(fresh, (size_t)c, dx + r * c, s * wd[i] * dyr[i] - k * xr[i]);
        }
        if (dw)
            for (int j = 0; j < c; j++)
                dw[j] += dyr[j] * xr[j] * s;
    }
}

tensor_t *op_rmsnorm(tape_t *t, tensor_t *x, tensor_t *w, float eps)
{
    if (!op_ready(t, 2, x, w))
        return NULL;
    if ((int)w->numel != tensor_cols(x))
        return op_shape_mismatch(t, "rmsnorm", x, w);
    tensor_t *ins[2] = {x, w};
    tensor_t *y = op_output(t, x->ndim, x->shape, ins, 2);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(x);
    int c = tensor_cols(x);
    float *rstd = arena_alloc(&t->arena, rows * sizeof(float));
    if (!rstd)
        return tape_fail(t, "rmsnorm", "out of memory");
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->data + r * c;
        float ss = 0.0f;
        for (int j = 0; j < c; j++)
            ss += xr[j] * xr[j];
        float s = 1.0f / sqrtf(ss / (float)c + eps);
        rstd[r] = s;
        for (int j = 0; j < c; j++)
            y->data[r * c + j] = xr[j] * s * w->data[j];
    }
    tape_node_t *nd = tape_push(t, "rmsnorm", rmsnorm_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->in[1] = w;
        nd->saved = rstd;
    }
    return y;
}

/* ---- l2norm: y = x * n, n = 1 / sqrt(sum(x^2) + eps) ---- */

static void l2norm_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out), *inv = nd->saved;
    bool fresh;
    float *dx = tensor_grad_for_overwrite(t, x, &fresh);
    if (!dy || !dx)
        return;
    size_t rows = tensor_rows(x);
    int c = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->data + r * c, *dyr = dy + r * c;
        float n = inv[r], dot = 0.0f;
        for (int j = 0; j < c; j++)
            dot += dyr[j] * xr[j];
        float k = n * n * n * dot; /* dx_j = n dy_j - n^3 x_j sum_i dy_i x_i */
        GRAD_STORE(fresh, (size_t)c, dx + r * c, n * dyr[i] - k * xr[i]);
    }
}

tensor_t *op_l2norm(tape_t *t, tensor_t *x, float eps)
{
    if (!op_ready(t, 1, x))
        return NULL;
    tensor_t *y = op_output(t, x->ndim, x->shape, &x, 1);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(x);
    int c = tensor_cols(x);
    float *inv = arena_alloc(&t->arena, rows * sizeof(float));
    if (!inv)
        return tape_fail(t, "l2norm", "out of memory");
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->data + r * c;
        float ss = 0.0f;
        for (int j = 0; j < c; j++)
            ss += xr[j] * xr[j];
        inv[r] = 1.0f / sqrtf(ss + eps);
        for (int j = 0; j < c; j++)
            y->data[r * c + j] = xr[j] * inv[r];
    }
    tape_node_t *nd = tape_push(t, "l2norm", l2norm_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->saved = inv;
    }
    return y;
}

/* ---- layernorm without affine: y = (x - mean) * rstd ---- */

static void layernorm_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out), *rstd = nd->saved, *y = nd->out->data;
    float *dx = tensor_grad(t, x);
    if (!dy || !dx)
        return;
    size_t rows = tensor_rows(x);
    int c = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) {
        const float *dyr = dy + r * c, *yr = y + r * c;
        float mean_dy = 0.0f, mean_dy_y = 0.0f;
        for (int j = 0; j < c; j++) {
            mean_dy += dyr[j];
            mean_dy_y += dyr[j] * yr[j];
        }
        mean_dy /= (float)c;
        mean_dy_y /= (float)c;
        for (int j = 0; j < c; j++) /* dx = rstd (dy - mean(dy) - y mean(dy y)) */
            dx[r * c + j] += rstd[r] * (dyr[j] - mean_dy - yr[j] * mean_dy_y);
    }
}

tensor_t *op_layernorm(tape_t *t, tensor_t *x, float eps)
{
    if (!op_ready(t, 1, x))
        return NULL;
    tensor_t *y = op_output(t, x->ndim, x->shape, &x, 1);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(x);
    int c = tensor_cols(x);
    float *rstd = arena_alloc(&t->arena, rows * sizeof(float));
    if (!rstd)
        return tape_fail(t, "layernorm", "out of memory");
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->data + r * c;
        float mean = 0.0f, var = 0.0f;
        for (int j = 0; j < c; j++)
            mean += xr[j];
        mean /= (float)c;
        for (int j = 0; j < c; j++)
            var += (xr[j] - mean) * (xr[j] - mean);
        rstd[r] = 1.0f / sqrtf(var / (float)c + eps);
        for (int j = 0; j < c; j++)
            y->data[r * c + j] = (xr[j] - mean) * rstd[r];
    }
    tape_node_t *nd = tape_push(t, "layernorm", layernorm_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->saved = rstd;
    }
    return y;
}
