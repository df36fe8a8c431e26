/* Matrix products: every float multiply-add of the model's projections runs through OpenBLAS. */
#include <cblas.h>
#include <stdio.h>
#include <string.h>

#include "ops_internal.h"

void gemm_f32(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a,
              const float *b, float beta, float *c)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, trans_a ? m : k, b,
                trans_b ? k : n, beta, c, n);
}

tensor_t *op_shape_mismatch(tape_t *t, const char *op, const tensor_t *a, const tensor_t *b)
{
    char sa[64], sb[64];
    return tape_fail(t, op, "shapes %s and %s do not fit", tensor_shape_str(a, sa, sizeof sa),
                     tensor_shape_str(b, sb, sizeof sb));
}

/* ---- linear: x [N, in], w [out, in], b [out] -> y [N, out] ---- */

static void linear_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0], *w = nd->in[1], *b = nd->in[2];
    int n = (int)tensor_rows(x), in = tensor_cols(x), out = w->shape[0];
    const float *dy = tensor_grad(t, nd->out);
    if (!dy)
        return;
    if (x->requires_grad) {
        bool fresh;
        float *dx = tensor_grad_for_overwrite(t, x, &fresh);
        if (dx) /* dx [N, in] += dy [N, out] w [out, in] */
            gemm_f32(false, false, n, in, out, 1.0f, dy, w->data, fresh ? 0.0f : 1.0f, dx);
    }
    if (w->requires_grad) {
        float *dw = tensor_grad(t, w);
        if (dw) /* dw [out, in] += dy^T x */
            gemm_f32(true, false, out, in, n, 1.0f, dy, x->data, 1.0f, dw);
    }
    if (b && b->requires_grad) {
        float *db = tensor_grad(t, b);
        if (db)
            for (int r = 0; r < n; r++)
                for (int o = 0; o < out; o++)
                    db[o] += dy[(size_t)r * out + o];
    }
}

tensor_t *op_linear(tape_t *t, tensor_t *x, tensor_t *w, tensor_t *b)
{
    if (!op_ready(t, 2, x, w))
        return NULL;
    int in = tensor_cols(x), out = w->shape[0];
    if (w->ndim != 2 || w->shape[1] != in)
        return op_shape_mismatch(t, "linear", x, w);
    if (b && (int)b->numel != out)
        return op_shape_mismatch(t, "linear bias", w, b);
    int shape[TENSOR_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape);
    shape[x->ndim - 1] = out;
    tensor_t *ins[3] = {x, w, b};
    tensor_t *y = op_output(t, x->ndim, shape, ins, 3);
    if (!y)
        return NULL;
    int n = (int)tensor_rows(x);
    float beta = 0.0f;
    if (b) {
        for (int r = 0; r < n; r++)
            memcpy(y->data + (size_t)r * out, b->data, (size_t)out * sizeof(float));
        beta = 1.0f;
    }
    gemm_f32(false, true, n, out, in, 1.0f, x->data, w->data, beta, y->data);
    tape_node_t *nd = tape_push(t, "linear", linear_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->in[1] = w;
        nd->in[2] = b;
    }
    return y;
}

/* ---- batched matmul: [nb, m, k] x [nb or 1, k, n] -> [nb, m, n] ---- */

typedef struct bmm_dims {
    int nb, nb_b, m, n, k;
} bmm_dims_t;

static bmm_dims_t bmm_dims_of(const tape_node_t *nd)
{
    return (bmm_dims_t){nd->i[0], nd->i[1], nd->i[2], nd->i[3], nd->i[4]};
}

static void bmm_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *a = nd->in[0], *b = nd->in[1];
    bool ta = nd->i[5], tb = nd->i[6];
    bmm_dims_t d = bmm_dims_of(nd);
    const float *dc = tensor_grad(t, nd->out);
    bool fresh_a = false, fresh_b = false;
    float *da = a->requires_grad ? tensor_grad_for_overwrite(t, a, &fresh_a) : NULL;
    float *db = b->requires_grad ? tensor_grad_for_overwrite(t, b, &fresh_b) : NULL;
    if (!dc)
        return;
    size_t sa = (size_t)d.m * d.k, sb = d.nb_b == 1 ? 0 : (size_t)d.k * d.n, sc = (size_t)d.m * d.n;
    for (int i = 0; i < d.nb; i++) {
        const float *dci = dc + i * sc, *ai = a->data + i * sa, *bi = b->data + i * sb;
        /* a fresh gradient is written, not added to; a shared b's is written by batch 0 only */
        float beta_a = fresh_a ? 0.0f : 1.0f, beta_b = fresh_b && (sb || i == 0) ? 0.0f : 1.0f;
        /* With A' = op(A), B' = op(B): dA' = dC B'^T and dB' = A'^T dC, transposed back when
         * the operand was stored transposed. */
        if (da) {
            if (!ta)
                gemm_f32(false, !tb, d.m, d.k, d.n, 1.0f, dci, bi, beta_a, da + i * sa);
            else
                gemm_f32(tb, true, d.k, d.m, d.n, 1.0f, bi, dci, beta_a, da + i * sa);
        }
        if (db) {
            if (!tb)
                gemm_f32(!ta, false, d.k, d.n, d.m, 1.0f, ai, dci, beta_b, db + i * sb);
            else
                gemm_f32(true, ta, d.n, d.k, d.m, 1.0f, dci, ai, beta_b, db + i * sb);
        }
    }
}

tensor_t *op_bmm(tape_t *t, tensor_t *a, tensor_t *b, bool trans_a, bool trans_b)
{
    if (!op_ready(t, 2, a, b))
        return NULL;
    if (a->ndim < 2 || b->ndim < 2)
        return op_shape_mismatch(t, "bmm", a, b);
    int ar = a->shape[a->ndim - 2], ac = a->shape[a->ndim - 1];
    int br = b->shape[b->ndim - 2], bc = b->shape[b->ndim - 1];
    int m = trans_a ? ac : ar, k = trans_a ? ar : ac;
    int kb = trans_b ? bc : br, n = trans_b ? br : bc;
    size_t nb = a->numel / ((size_t)ar * ac), nb_b = b->numel / ((size_t)br * bc);
    if (k != kb || (nb_b != nb && nb_b != 1))
        return op_shape_mismatch(t, "bmm", a, b);
    int shape[TENSOR_MAX_DIMS];
    memcpy(shape, a->shape, sizeof shape);
    shape[a->ndim - 2] = m;
    shape[a->ndim - 1] = n;
    tensor_t *ins[2] = {a, b};
    tensor_t *c = op_output(t, a->ndim, shape, ins, 2);
    if (!c)
        return NULL;
    size_t sa = (size_t)m * k, sb = nb_b == 1 ? 0 : (size_t)k * n, sc = (size_t)m * n;
    for (size_t i = 0; i < nb; i++)
        gemm_f32(trans_a, trans_b, m, n, k, 1.0f, a->data + i * sa, b->data + i * sb, 0.0f,
                 c->data + i * sc);
    tape_node_t *nd = tape_push(t, "bmm", bmm_backward, c);
    if (nd) {
        nd->in[0] = a;
        nd->in[1] = b;
        int dims[7] = {(int)nb, (int)nb_b, m, n, k, trans_a, trans_b};
        memcpy(nd->i, dims, sizeof dims);
    }
    return c;
}
