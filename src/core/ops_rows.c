/* Ops that pair each row or each column of a matrix with one value: scaling by a per-row or
 * per-column vector, a column slice, and the Euclidean norm of each row. "Rows" are all
 * dimensions but the last, flattened. */
#include <math.h>

#include "ops_internal.h"

/* ---- scale_rows: y[r, c] = s[r / group] x[r, c], group = rows / numel(s) ---- */

static void scale_rows_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0], *s = nd->in[1];
    const float *dy = tensor_grad(t, nd->out);
    float *dx = x->requires_grad ? tensor_grad(t, x) : NULL;
    float *ds = s->requires_grad ? tensor_grad(t, s) : NULL;
    if (!dy)
        return;
    size_t rows = tensor_rows(x), group = rows / s->numel;
    int cols = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) {
        const float *dyr = dy + r * cols, *xr = x->data + r * cols;
        float sr = s->data[r / group];
        if (dx)
            for (int c = 0; c < cols; c++)
                dx[r * cols + c] += sr * dyr[c];
        if (ds) {
            float acc = 0.0f;
            for (int c = 0; c < cols; c++)
                acc += dyr[c] * xr[c];
            ds[r / group] += acc;
        }
    }
}

tensor_t *op_scale_rows(tape_t *t, tensor_t *x, tensor_t *s)
{
    if (!op_ready(t, 2, x, s))
        return NULL;
    size_t rows = tensor_rows(x);
    if (s->numel == 0 || rows % s->numel)
        return op_shape_mismatch(t, "scale_rows", x, s);
    tensor_t *ins[2] = {x, s};
    tensor_t *y = op_output(t, x->ndim, x->shape, ins, 2);
    if (!y)
        return NULL;
    size_t group = rows / s->numel;
    int cols = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) {
        float sr = s->data[r / group];
        for (int c = 0; c < cols; c++)
            y->data[r * cols + c] = sr * x->data[r * cols + c];
    }
    tape_node_t *nd = tape_push(t, "scale_rows", scale_rows_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->in[1] = s;
    }
    return y;
}

/* ---- scale_cols: y[r, c] = x[r, c] s[c] ---- */

static void scale_cols_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0], *s = nd->in[1];
    const float *dy = tensor_grad(t, nd->out);
    float *dx = x->requires_grad ? tensor_grad(t, x) : NULL;
    float *ds = s->requires_grad ? tensor_grad(t, s) : NULL;
    if (!dy)
        return;
    size_t rows = tensor_rows(x);
    int cols = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) {
        const float *dyr = dy + r * cols, *xr = x->data + r * cols;
        if (dx)
            for (int c = 0; c < cols; c++)
                dx[r * cols + c] += dyr[c] * s->data[c];
        if (ds)
            for (int c = 0; c < cols; c++)
                ds[c] += dyr[c] * xr[c];
    }
}

tensor_t *op_scale_cols(tape_t *t, tensor_t *x, tensor_t *s)
{
    if (!op_ready(t, 2, x, s))
        return NULL;
    if ((int)s->numel != tensor_cols(x))
        return op_shape_mismatch(t, "scale_cols", x, s);
    tensor_t *ins[2] = {x, s};
    tensor_t *y = op_output(t, x->ndim, x->shape, ins, 2);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(x);
    int cols = tensor_cols(x);
    for (size_t r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            y->data[r * cols + c] = x->data[r * cols + c] * s->data[c];
    tape_node_t *nd = tape_push(t, "scale_cols", scale_cols_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->in[1] = s;
    }
    return y;
}

/* ---- slice_cols: y[r, j] = x[r, col0 + j] for j < n ---- */

static void slice_cols_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out);
    float *dx = tensor_grad(t, x);
    if (!dy || !dx)
        return;
    int col0 = nd->i[0], n = nd->i[1], w = tensor_cols(x);
    size_t rows = tensor_rows(x);
    for (size_t r = 0; r < rows; r++)
        for (int j = 0; j < n; j++)
            dx[r * w + col0 + j] += dy[r * n + j];
}

tensor_t *op_slice_cols(tape_t *t, tensor_t *x, int col0, int n)
{
    if (!op_ready(t, 1, x))
        return NULL;
    int w = tensor_cols(x);
    if (col0 < 0 || n < 1 || col0 + n > w)
        return tape_fail(t, "slice_cols", "columns %d..%d outside a width of %d", col0, col0 + n - 1, w);
    int shape[TENSOR_MAX_DIMS];
    for (int d = 0; d < x->ndim; d++)
        shape[d] = x->shape[d];
    shape[x->ndim - 1] = n;
    tensor_t *y = op_output(t, x->ndim, shape, &x, 1);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(x);
    for (size_t r = 0; r < rows; r++)
        for (int j = 0; j < n; j++)
            y->data[r * n + j] = x->data[r * w + col0 + j];
    tape_node_t *nd = tape_push(t, "slice_cols", slice_cols_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->i[0] = col0;
        nd->i[1] = n;
    }
    return y;
}

/* ---- row_norm: y[r] = sqrt(sum_c x[r, c]^2 + eps) ---- */

static void row_norm_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out), *y = nd->out->data;
    float *dx = tensor_grad(t, x);
    if (!dy || !dx)
        return;
    size_t rows = tensor_rows(x);
    int cols = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) { /* dx = dy x / y */
        float k = dy[r] / y[r];
        for (int c = 0; c < cols; c++)
            dx[r * cols + c] += k * x->data[r * cols + c];
    }
}

tensor_t *op_row_norm(tape_t *t, tensor_t *x, float eps)
{
    if (!op_ready(t, 1, x))
        return NULL;
    int shape[TENSOR_MAX_DIMS];
    for (int d = 0; d < x->ndim; d++)
        shape[d] = x->shape[d];
    shape[x->ndim - 1] = 1;
    tensor_t *y = op_output(t, x->ndim, shape, &x, 1);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(x);
    int cols = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->data + r * cols;
        float ss = 0.0f;
        for (int c = 0; c < cols; c++)
            ss += xr[c] * xr[c];
        y->data[r] = sqrtf(ss + eps);
    }
    tape_node_t *nd = tape_push(t, "row_norm", row_norm_backward, y);
    if (nd)
        nd->in[0] = x;
    return y;
}
