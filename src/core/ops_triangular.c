/* Ops on square blocks per batch element: the chunk loop's C x C score and WY matrices. */
#include <math.h>
#include <string.h>

#include "fast_exp.h"
#include "ops_internal.h"

static bool square_blocks(const tensor_t *x, int *m, size_t *nb)
{
    if (x->ndim < 2 || x->shape[x->ndim - 1] != x->shape[x->ndim - 2])
        return false;
    *m = x->shape[x->ndim - 1];
    *nb = x->numel / ((size_t)*m * *m);
    return true;
}

static tensor_t *not_square(tape_t *t, const char *op, const tensor_t *x)
{
    char s[64];
    return tape_fail(t, op, "expects square blocks [..., m, m], got %s", tensor_shape_str(x, s, sizeof s));
}

/* ---- tril: alpha * lower triangle (strict: without the diagonal) ---- */

static void tril_apply(const float *x, float *y, int m, size_t nb, bool strict, float alpha, bool add)
{
    int shift = strict ? 0 : 1; /* columns c < r + shift are kept */
    for (size_t b = 0; b < nb; b++)
        for (int r = 0; r < m; r++) {
            const float *xr = x + (b * m + r) * m;
            float *yr = y + (b * m + r) * m;
            int keep = r + shift;
            for (int c = 0; c < m; c++) {
                float v = c < keep ? alpha * xr[c] : 0.0f;
                yr[c] = add ? yr[c] + v : v;
            }
        }
}

static void tril_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out);
    float *dx = tensor_grad(t, x);
    if (dy && dx)
        tril_apply(dy, dx, nd->i[0], x->numel / ((size_t)nd->i[0] * nd->i[0]), nd->i[1], nd->f[0], true);
}

tensor_t *op_tril(tape_t *t, tensor_t *x, bool strict, float alpha)
{
    int m;
    size_t nb;
    if (!op_ready(t, 1, x))
        return NULL;
    if (!square_blocks(x, &m, &nb))
        return not_square(t, "tril", x);
    tensor_t *y = op_output(t, x->ndim, x->shape, &x, 1);
    if (!y)
        return NULL;
    tril_apply(x->data, y->data, m, nb, strict, alpha, false);
    tape_node_t *nd = tape_push(t, "tril", tril_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->i[0] = m;
        nd->i[1] = strict;
        nd->f[0] = alpha;
    }
    return y;
}

/* ---- softmax over c <= r in each row ---- */

static void softmax_causal_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out), *p = nd->out->data;
    float *dx = tensor_grad(t, x);
    if (!dy || !dx)
        return;
    int m = nd->i[0];
    size_t rows = x->numel / (size_t)m;
    for (size_t row = 0; row < rows; row++) {
        int r = (int)(row % (size_t)m);
        const float *pr = p + row * m, *dyr = dy + row * m;
        float dot = 0.0f; /* dx_c = p_c (dy_c - sum_c' p_c' dy_c') */
        for (int c = 0; c <= r; c++)
            dot += pr[c] * dyr[c];
        for (int c = 0; c <= r; c++)
            dx[row * m + c] += pr[c] * (dyr[c] - dot);
    }
}

tensor_t *op_softmax_causal(tape_t *t, tensor_t *x)
{
    int m;
    size_t nb;
    if (!op_ready(t, 1, x))
        return NULL;
    if (!square_blocks(x, &m, &nb))
        return not_square(t, "softmax_causal", x);
    tensor_t *y = op_output(t, x->ndim, x->shape, &x, 1);
    if (!y)
        return NULL;
    for (size_t row = 0; row < nb * (size_t)m; row++) {
        int r = (int)(row % (size_t)m);
        const float *xr = x->data + row * m;
        float *yr = y->data + row * m, mx = xr[0], sum = 0.0f;
        for (int c = 1; c <= r; c++)
            mx = fmaxf(mx, xr[c]);
        for (int c = 0; c <= r; c++) {
            yr[c] = fast_expf(xr[c] - mx);
            sum += yr[c];
        }
        for (int c = 0; c <= r; c++)
            yr[c] /= sum;
        for (int c = r + 1; c < m; c++)
            yr[c] = 0.0f;
    }
    tape_node_t *nd = tape_push(t, "softmax_causal", softmax_causal_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->i[0] = m;
    }
    return y;
}

/* ---- T = (I - A)^{-1} for strictly lower triangular A (chunk-loop.md §2) ---- */

static void unit_tril_inverse_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *a = nd->in[0];
    const float *dT = tensor_grad(t, nd->out), *T = nd->out->data;
    float *da = tensor_grad(t, a);
    if (!dT || !da)
        return;
    int m = nd->i[0];
    size_t nb = a->numel / ((size_t)m * m), mm = (size_t)m * m;
    float *tmp = arena_alloc(&t->arena, 2 * mm * sizeof(float));
    if (!tmp) {
        tape_fail(t, "unit_tril_inverse", "out of memory");
        return;
    }
    float *full = tmp + mm;
    for (size_t b = 0; b < nb; b++) {
        /* dA = strict(T^T dT T^T) */
        gemm_f32(true, false, m, m, m, 1.0f, T + b * mm, dT + b * mm, 0.0f, tmp);
        gemm_f32(false, true, m, m, m, 1.0f, tmp, T + b * mm, 0.0f, full);
        tril_apply(full, da + b * mm, m, 1, true, 1.0f, true);
    }
}

tensor_t *op_unit_tril_inverse(tape_t *t, tensor_t *a)
{
    int m;
    size_t nb;
    if (!op_ready(t, 1, a))
        return NULL;
    if (!square_blocks(a, &m, &nb))
        return not_square(t, "unit_tril_inverse", a);
    tensor_t *y = op_output(t, a->ndim, a->shape, &a, 1);
    if (!y)
        return NULL;
    size_t mm = (size_t)m * m;
    memset(y->data, 0, a->numel * sizeof(float));
    for (size_t b = 0; b < nb; b++) {
        const float *A = a->data + b * mm;
        float *T = y->data + b * mm;
        /* (I - A) T = I  =>  row r of T is e_r + sum_{c<r} A[r,c] T[c,:] (forward substitution) */
        for (int r = 0; r < m; r++) {
            float *tr = T + (size_t)r * m;
            tr[r] = 1.0f;
            for (int c = 0; c < r; c++) {
                float arc = A[(size_t)r * m + c];
                const float *tc = T + (size_t)c * m;
                for (int j = 0; j <= c; j++)
                    tr[j] += arc * tc[j];
            }
        }
    }
    tape_node_t *nd = tape_push(t, "unit_tril_inverse", unit_tril_inverse_backward, y);
    if (nd) {
        nd->in[0] = a;
        nd->i[0] = m;
    }
    return y;
}
