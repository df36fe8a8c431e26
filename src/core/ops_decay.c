/* The gated loop's log-decays (chunk-loop.md §4): the running sum gam_r = sum_{j<=r} g_j inside
 * each chunk, and the C x C decay matrix Gam[r, c] = exp(gam_r - gam_c) for r >= c. */
#include <string.h>

#include "fast_exp.h"
#include "ops_internal.h"

/* ---- cumsum: y[r, j] = sum_{i <= j} x[r, i] along the last dimension ---- */

static void cumsum_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0];
    const float *dy = tensor_grad(t, nd->out);
    float *dx = tensor_grad(t, x);
    if (!dy || !dx)
        return;
    size_t rows = tensor_rows(x);
    int m = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) { /* dx_i = sum_{j >= i} dy_j */
        float acc = 0.0f;
        for (int j = m - 1; j >= 0; j--) {
            acc += dy[r * m + j];
            dx[r * m + j] += acc;
        }
    }
}

tensor_t *op_cumsum(tape_t *t, tensor_t *x)
{
    if (!op_ready(t, 1, x))
        return NULL;
    tensor_t *y = op_output(t, x->ndim, x->shape, &x, 1);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(x);
    int m = tensor_cols(x);
    for (size_t r = 0; r < rows; r++) {
        float acc = 0.0f;
        for (int j = 0; j < m; j++) {
            acc += x->data[r * m + j];
            y->data[r * m + j] = acc;
        }
    }
    tape_node_t *nd = tape_push(t, "cumsum", cumsum_backward, y);
    if (nd)
        nd->in[0] = x;
    return y;
}

/* ---- decay_matrix: gam [..., m] -> [..., m, m], exp(gam_r - gam_c) on and below the diagonal ---- */

static void decay_matrix_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *gam = nd->in[0];
    const float *dy = tensor_grad(t, nd->out), *y = nd->out->data;
    float *dg = tensor_grad(t, gam);
    if (!dy || !dg)
        return;
    size_t rows = tensor_rows(gam);
    int m = tensor_cols(gam);
    for (size_t b = 0; b < rows; b++) {
        const float *yb = y + b * m * m, *dyb = dy + b * m * m;
        float *dgb = dg + b * m;
        /* d/dgam_r of exp(gam_r - gam_c) is +y, d/dgam_c is -y */
        for (int r = 0; r < m; r++)
            for (int c = 0; c <= r; c++) {
                float v = dyb[r * m + c] * yb[r * m + c];
                dgb[r] += v;
                dgb[c] -= v;
            }
    }
}

tensor_t *op_decay_matrix(tape_t *t, tensor_t *gam)
{
    if (!op_ready(t, 1, gam))
        return NULL;
    if (gam->ndim >= TENSOR_MAX_DIMS)
        return tape_fail(t, "decay_matrix", "gam has %d dimensions; at most %d fit", gam->ndim,
                         TENSOR_MAX_DIMS - 1);
    int m = tensor_cols(gam), shape[TENSOR_MAX_DIMS];
    memcpy(shape, gam->shape, sizeof shape);
    shape[gam->ndim] = m;
    tensor_t *y = op_output(t, gam->ndim + 1, shape, &gam, 1);
    if (!y)
        return NULL;
    size_t rows = tensor_rows(gam);
    for (size_t b = 0; b < rows; b++) {
        const float *g = gam->data + b * m;
        float *yb = y->data + b * m * m;
        for (int r = 0; r < m; r++)
            for (int c = 0; c < m; c++) /* masked before exp: above the diagonal it may overflow */
                yb[r * m + c] = c <= r ? fast_expf(g[r] - g[c]) : 0.0f;
    }
    tape_node_t *nd = tape_push(t, "decay_matrix", decay_matrix_backward, y);
    if (nd)
        nd->in[0] = gam;
    return y;
}
