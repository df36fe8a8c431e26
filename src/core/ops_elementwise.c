/* Elementwise ops. The loops are plain so that the compiler vectorises them. */
#include <math.h>
#include <string.h>

#include "fast_exp.h"
#include "ops_internal.h"

/* ---- binary: a (+ - * /) b, same shapes ---- */

typedef enum binary_kind { BINARY_ADD, BINARY_SUB, BINARY_MUL, BINARY_DIV } binary_kind_t;

static void binary_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *a = nd->in[0], *b = nd->in[1];
    const float *dy = tensor_grad(t, nd->out), *y = nd->out->data, *pa = a->data, *pb = b->data;
    bool fa = false, fb = false; /* a == b (mul(x, x)): the second request finds it not fresh */
    float *da = a->requires_grad ? tensor_grad_for_overwrite(t, a, &fa) : NULL;
    float *db = b->requires_grad ? tensor_grad_for_overwrite(t, b, &fb) : NULL;
    if (!dy)
        return;
    size_t n = a->numel;
    switch ((binary_kind_t)nd->i[0]) {
    case BINARY_ADD:
    case BINARY_SUB: {
        float sign = nd->i[0] == BINARY_SUB ? -1.0f : 1.0f;
        if (da)
            GRAD_STORE(fa, n, da, dy[i]);
        if (db)
            GRAD_STORE(fb, n, db, sign * dy[i]);
        break;
    }
    case BINARY_MUL:
        if (da)
            GRAD_STORE(fa, n, da, dy[i] * pb[i]);
        if (db)
            GRAD_STORE(fb, n, db, dy[i] * pa[i]);
        break;
    case BINARY_DIV: /* y = a / b: da = dy / b, db = -dy y / b */
        if (da)
            GRAD_STORE(fa, n, da, dy[i] / pb[i]);
        if (db)
            GRAD_STORE(fb, n, db, -dy[i] * y[i] / pb[i]);
        break;
    }
}

static tensor_t *binary(tape_t *t, tensor_t *a, tensor_t *b, binary_kind_t kind, const char *name)
{
    if (!op_ready(t, 2, a, b))
        return NULL;
    if (!tensor_same_shape(a, b))
        return op_shape_mismatch(t, name, a, b);
    tensor_t *ins[2] = {a, b};
    tensor_t *y = op_output(t, a->ndim, a->shape, ins, 2);
    if (!y)
        return NULL;
    const float *pa = a->data, *pb = b->data;
    float *py = y->data;
    size_t n = a->numel;
    switch (kind) {
    case BINARY_ADD:
        for (size_t i = 0; i < n; i++)
            py[i] = pa[i] + pb[i];
        break;
    case BINARY_SUB:
        for (size_t i = 0; i < n; i++)
            py[i] = pa[i] - pb[i];
        break;
    case BINARY_MUL:
        for (size_t i = 0; i < n; i++)
            py[i] = pa[i] * pb[i];
        break;
    case BINARY_DIV:
        for (size_t i = 0; i < n; i++)
            py[i] = pa[i] / pb[i];
        break;
    }
    tape_node_t *nd = tape_push(t, name, binary_backward, y);
    if (nd) {
        nd->in[0] = a;
        nd->in[1] = b;
        nd->i[0] = kind;
    }
    return y;
}

tensor_t *op_add(tape_t *t, tensor_t *a, tensor_t *b) { return binary(t, a, b, BINARY_ADD, "add"); }
tensor_t *op_sub(tape_t *t, tensor_t *a, tensor_t *b) { return binary(t, a, b, BINARY_SUB, "sub"); }
tensor_t *op_mul(tape_t *t, tensor_t *a, tensor_t *b) { return binary(t, a, b, BINARY_MUL, "mul"); }
tensor_t *op_div(tape_t *t, tensor_t *a, tensor_t *b) { return binary(t, a, b, BINARY_DIV, "div"); }

/* ---- affine: scale * x + shift ---- */

static void affine_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out);
    bool fresh;
    float *dx = tensor_grad_for_overwrite(t, x, &fresh);
    if (!dy || !dx)
        return;
    float scale = nd->f[0];
    GRAD_STORE(fresh, x->numel, dx, scale * dy[i]);
}

tensor_t *op_affine(tape_t *t, tensor_t *x, float scale, float shift)
{
    if (!op_ready(t, 1, x))
        return NULL;
    tensor_t *y = op_output(t, x->ndim, x->shape, &x, 1);
    if (!y)
        return NULL;
    for (size_t i = 0; i < x->numel; i++)
        y->data[i] = scale * x->data[i] + shift;
    tape_node_t *nd = tape_push(t, "affine", affine_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->f[0] = scale;
    }
    return y;
}

/* ---- unary functions ---- */


static void unary_forward(unary_kind_t kind, const float *restrict x, float *restrict y, size_t n)
{
    switch (kind) {
    case UNARY_SILU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] * fast_sigmoidf(x[i]);
        break;
    case UNARY_SIGMOID:
        for (size_t i = 0; i < n; i++)
            y[i] = fast_sigmoidf(x[i]);
        break;
    case UNARY_EXP:
        for (size_t i = 0; i < n; i++)
            y[i] = fast_expf(x[i]);
        break;
    case UNARY_SQRT:
        for (size_t i = 0; i < n; i++)
            y[i] = sqrtf(x[i]);
        break;
    case UNARY_GELU:
        for (size_t i = 0; i < n; i++)
            y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * (float)M_SQRT1_2));
        break;
    case UNARY_SOFTPLUS:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 20.0f ? x[i] : log1pf(fast_expf(x[i]));
        break;
    }
}

/* dx (+)= dy * f'(x), given y = f(x); one loop per kind so that each vectorises. */
static void unary_backward_kernel(unary_kind_t kind, const float *restrict x, const float *restrict y,
                                  const float *restrict dy, float *restrict dx, size_t n, bool fresh)
{
    const float phi_scale = (float)(0.5 * M_2_SQRTPI * M_SQRT1_2); /* 1 / sqrt(2 pi) */
    switch (kind) {
    case UNARY_SILU:
        GRAD_STORE(fresh, n, dx, dy[i] * fast_sigmoidf(x[i]) * (1.0f + x[i] * (1.0f - fast_sigmoidf(x[i]))));
        break;
    case UNARY_SIGMOID:
        GRAD_STORE(fresh, n, dx, dy[i] * y[i] * (1.0f - y[i]));
        break;
    case UNARY_EXP:
        GRAD_STORE(fresh, n, dx, dy[i] * y[i]);
        break;
    case UNARY_SQRT:
        GRAD_STORE(fresh, n, dx, dy[i] * 0.5f / y[i]);
        break;
    case UNARY_GELU: /* Phi(x) + x phi(x) */
        GRAD_STORE(fresh, n, dx,
                   dy[i] * (0.5f * (1.0f + erff(x[i] * (float)M_SQRT1_2)) +
                            x[i] * fast_expf(-0.5f * x[i] * x[i]) * phi_scale));
        break;
    case UNARY_SOFTPLUS:
        GRAD_STORE(fresh, n, dx, dy[i] * (x[i] > 20.0f ? 1.0f : fast_sigmoidf(x[i])));
        break;
    }
}

static void unary_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out);
    bool fresh;
    float *dx = tensor_grad_for_overwrite(t, x, &fresh);
    if (dy && dx)
        unary_backward_kernel((unary_kind_t)nd->i[0], x->data, nd->out->data, dy, dx, x->numel, fresh);
}

tensor_t *op_unary(tape_t *t, tensor_t *x, unary_kind_t kind)
{
    static const char *const names[] = {"silu", "sigmoid", "exp", "sqrt", "gelu", "softplus"};
    if (!op_ready(t, 1, x))
        return NULL;
    tensor_t *y = op_output(t, x->ndim, x->shape, &x, 1);
    if (!y)
        return NULL;
    unary_forward(kind, x->data, y->data, x->numel);
    tape_node_t *nd = tape_push(t, names[kind], unary_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->i[0] = kind;
    }
    return y;
}

/* ---- swiglu: y = silu(a) * b for the two halves a, b of each row ---- */

static void swiglu_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out);
    bool fresh;
    float *dx = tensor_grad_for_overwrite(t, x, &fresh);
    if (!dy || !dx)
        return;
    size_t rows = tensor_rows(x);
    int f = tensor_cols(x) / 2;
    for (size_t r = 0; r < rows; r++) {
        const float *a = x->data + r * 2 * f, *b = a + f, *g = dy + r * f;
        float *da = dx + r * 2 * f, *db = da + f;
        GRAD_STORE(fresh, (size_t)f, da, g[i] * b[i] * fast_sigmoidf(a[i]) * (1.0f + a[i] * (1.0f - fast_sigmoidf(a[i]))));
        GRAD_STORE(fresh, (size_t)f, db, g[i] * a[i] * fast_sigmoidf(a[i]));
    }
}

tensor_t *op_swiglu(tape_t *t, tensor_t *x)
{
    if (!op_ready(t, 1, x))
        return NULL;
    if (tensor_cols(x) % 2)
        return tape_fail(t, "swiglu", "%d columns cannot be split in two halves", tensor_cols(x));
    int shape[TENSOR_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape);
    int f = shape[x->ndim - 1] /= 2;
    tensor_t *y = op_output(t, x->ndim, shape, &x, 1);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(x);
    for (size_t r = 0; r < rows; r++) {
        const float *a = x->data + r * 2 * f, *b = a + f;
        float *yr = y->data + r * f;
        for (int j = 0; j < f; j++)
            yr[j] = a[j] * fast_sigmoidf(a[j]) * b[j];
    }
    tape_node_t *nd = tape_push(t, "swiglu", swiglu_backward, y);
    if (nd)
        nd->in[0] = x;
    return y;
}
