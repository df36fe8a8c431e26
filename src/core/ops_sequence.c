/* Ops that know about sequences: token rows are batch-major, [B*L, channels]. */
#include <string.h>

#include "ops_internal.h"

/* ---- gather_rows: y[n] = w[ids[n]] (the embedding lookup) ---- */

static void gather_rows_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *w = nd->in[0];
    const int32_t *ids = nd->cptr;
    const float *dy = tensor_grad(t, nd->out);
    float *dw = tensor_grad(t, w);
    if (!dy || !dw)
        return;
    int n = nd->i[0], d = tensor_cols(w);
    for (int r = 0; r < n; r++) {
        float *dst = dw + (size_t)ids[r] * d;
        for (int j = 0; j < d; j++)
            dst[j] += dy[(size_t)r * d + j];
    }
}

tensor_t *op_gather_rows(tape_t *t, tensor_t *w, const int32_t *ids, int n)
{
    if (!op_ready(t, 1, w))
        return NULL;
    int v = w->shape[0], d = tensor_cols(w);
    for (int r = 0; r < n; r++)
        if (ids[r] < 0 || ids[r] >= v)
            return tape_fail(t, "gather_rows", "row %d at position %d is outside [0, %d)",
                             ids[r], r, v);
    tensor_t *y = op_output(t, 2, (int[]){n, d}, &w, 1);
    if (!y)
        return NULL;
    for (int r = 0; r < n; r++)
        memcpy(y->data + (size_t)r * d, w->data + (size_t)ids[r] * d, (size_t)d * sizeof(float));
    tape_node_t *nd = tape_push(t, "gather_rows", gather_rows_backward, y);
    if (nd) {
        nd->in[0] = w;
        nd->cptr = ids;
        nd->i[0] = n;
    }
    return y;
}

/* ---- conv4: causal depthwise convolution of width 4 (model.md §3) ---- */

enum { CONV_WIDTH = 4 };

/* w [c, 4] -> wt [4, c], so that the inner loops run over contiguous channels. */
static void conv_weights_by_tap(const float *w, float *wt, int c)
{
    for (int ch = 0; ch < c; ch++)
        for (int j = 0; j < CONV_WIDTH; j++)
            wt[j * c + ch] = w[ch * CONV_WIDTH + j];
}

static void conv4_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *x = nd->in[0], *w = nd->in[1];
    const float *dy = tensor_grad(t, nd->out), *wt = nd->saved;
    float *dx = x->requires_grad ? tensor_grad(t, x) : NULL;
    float *dw = w->requires_grad ? tensor_grad(t, w) : NULL;
    if (!dy)
        return;
    int c = tensor_cols(x), len = nd->i[0];
    size_t rows = tensor_rows(x);
    float *dwt = arena_calloc(&t->arena, (size_t)CONV_WIDTH * c * sizeof(float));
    if (!dwt) {
        tape_fail(t, "conv4", "out of memory");
        return;
    }
    for (size_t row = 0; row < rows; row++) {
        int pos = (int)(row % (size_t)len);
        const float *dyr = dy + row * c;
        for (int j = 0; j < CONV_WIDTH; j++) {
            int back = CONV_WIDTH - 1 - j; /* tap j reads the token `back` steps earlier */
            if (pos < back)
                continue;
            size_t src = (row - back) * c;
            const float *wj = wt + j * c;
            if (dx)
                for (int ch = 0; ch < c; ch++)
                    dx[src + ch] += wj[ch] * dyr[ch];
            float *dwj = dwt + j * c;
            for (int ch = 0; ch < c; ch++)
                dwj[ch] += dyr[ch] * x->data[src + ch];
        }
    }
    if (dw)
        for (int ch = 0; ch < c; ch++)
            for (int j = 0; j < CONV_WIDTH; j++)
                dw[ch * CONV_WIDTH + j] += dwt[j * c + ch];
}

tensor_t *op_conv4(tape_t *t, tensor_t *x, tensor_t *w, int seq_len)
{
    if (!op_ready(t, 2, x, w))
        return NULL;
    int c = tensor_cols(x);
    if (w->ndim != 2 || w->shape[0] != c || w->shape[1] != CONV_WIDTH)
        return op_shape_mismatch(t, "conv4", x, w);
    size_t rows = tensor_rows(x);
    if (seq_len <= 0 || rows % (size_t)seq_len)
        return tape_fail(t, "conv4", "%zu rows are not whole sequences of length %d", rows, seq_len);
    tensor_t *ins[2] = {x, w};
    tensor_t *y = op_output(t, x->ndim, x->shape, ins, 2);
    float *wt = arena_alloc(&t->arena, (size_t)CONV_WIDTH * c * sizeof(float));
    if (!y || !wt)
        return tape_fail(t, "conv4", "out of memory");
    conv_weights_by_tap(w->data, wt, c);
    for (size_t row = 0; row < rows; row++) {
        int pos = (int)(row % (size_t)seq_len);
        float *yr = y->data + row * c;
        memset(yr, 0, (size_t)c * sizeof(float));
        for (int j = 0; j < CONV_WIDTH; j++) {
            int back = CONV_WIDTH - 1 - j;
            if (pos < back)
                continue;
            const float *xr = x->data + (row - back) * c, *wj = wt + j * c;
            for (int ch = 0; ch < c; ch++)
                yr[ch] += wj[ch] * xr[ch];
        }
    }
    tape_node_t *nd = tape_push(t, "conv4", conv4_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->in[1] = w;
        nd->saved = wt;
        nd->i[0] = seq_len;
    }
    return y;
}

/* ---- to_chunks / from_chunks: token rows <-> [N, B*H, C, d] (chunk-loop.md §1) ---- */

typedef struct chunk_layout {
    int batch, len, heads, dim, chunk, n_chunks, col0, width;
} chunk_layout_t;

/* Index of token (b, pos), head h, column 0 in the token-row tensor, and in the chunked one. */
static size_t token_index(const chunk_layout_t *k, int b, int pos, int h)
{
    return ((size_t)b * k->len + pos) * k->width + k->col0 + (size_t)h * k->dim;
}
static size_t chunked_index(const chunk_layout_t *k, int b, int pos, int h)
{
    int n = pos / k->chunk, c = pos % k->chunk;
    return (((size_t)n * k->batch * k->heads + (size_t)b * k->heads + h) * k->chunk + c) * k->dim;
}

static void to_chunks_backward(tape_t *t, const tape_node_t *nd)
{
    const chunk_layout_t *k = nd->saved;
    const float *dy = tensor_grad(t, nd->out);
    float *dx = tensor_grad(t, nd->in[0]);
    if (!dy || !dx)
        return;
    for (int b = 0; b < k->batch; b++)
        for (int pos = 0; pos < k->len; pos++)
            for (int h = 0; h < k->heads; h++) {
                float *dst = dx + token_index(k, b, pos, h);
                const float *src = dy + chunked_index(k, b, pos, h);
                for (int j = 0; j < k->dim; j++)
                    dst[j] += src[j];
            }
}

tensor_t *op_to_chunks(tape_t *t, tensor_t *x, int col0, int heads, int head_dim, int seq_len,
                       int chunk)
{
    if (!op_ready(t, 1, x))
        return NULL;
    size_t rows = tensor_rows(x);
    int width = tensor_cols(x);
    if (seq_len <= 0 || chunk <= 0 || rows % (size_t)seq_len || col0 < 0 ||
        col0 + heads * head_dim > width)
        return tape_fail(t, "to_chunks", "%zu rows x %d columns do not hold sequences of %d with "
                         "%d heads of %d from column %d", rows, width, seq_len, heads, head_dim, col0);
    chunk_layout_t *k = arena_alloc(&t->arena, sizeof *k);
    if (!k)
        return tape_fail(t, "to_chunks", "out of memory");
    *k = (chunk_layout_t){(int)(rows / (size_t)seq_len), seq_len, heads, head_dim, chunk,
                          (seq_len + chunk - 1) / chunk, col0, width};
    tensor_t *y = op_output(t, 4, (int[]){k->n_chunks, k->batch * heads, chunk, head_dim}, &x, 1);
    if (!y)
        return NULL;
    memset(y->data, 0, y->numel * sizeof(float)); /* the padded rows */
    for (int b = 0; b < k->batch; b++)
        for (int pos = 0; pos < seq_len; pos++)
            for (int h = 0; h < heads; h++)
                memcpy(y->data + chunked_index(k, b, pos, h), x->data + token_index(k, b, pos, h),
                       (size_t)head_dim * sizeof(float));
    tape_node_t *nd = tape_push(t, "to_chunks", to_chunks_backward, y);
    if (nd) {
        nd->in[0] = x;
        nd->saved = k;
    }
    return y;
}

typedef struct from_chunks_saved {
    chunk_layout_t layout;
    tensor_t **chunks;
} from_chunks_saved_t;

static void from_chunks_backward(tape_t *t, const tape_node_t *nd)
{
    const from_chunks_saved_t *s = nd->saved;
    const chunk_layout_t *k = &s->layout;
    const float *dy = tensor_grad(t, nd->out);
    if (!dy)
        return;
    size_t per_chunk = (size_t)k->batch * k->heads * k->chunk * k->dim;
    for (int b = 0; b < k->batch; b++)
        for (int pos = 0; pos < k->len; pos++) {
            tensor_t *ch = s->chunks[pos / k->chunk];
            float *dc = ch->requires_grad ? tensor_grad(t, ch) : NULL;
            if (!dc)
                continue;
            for (int h = 0; h < k->heads; h++) {
                const float *src = dy + token_index(k, b, pos, h);
                float *dst = dc + chunked_index(k, b, pos, h) - (size_t)(pos / k->chunk) * per_chunk;
                for (int j = 0; j < k->dim; j++)
                    dst[j] += src[j];
            }
        }
}

tensor_t *op_from_chunks(tape_t *t, tensor_t *const *chunks, int n_chunks, int heads, int seq_len)
{
    if (t->status != 0)
        return NULL;
    for (int n = 0; n < n_chunks; n++)
        if (!chunks[n])
            return NULL;
    tensor_t *c0 = chunks[0];
    if (c0->ndim != 3 || c0->shape[0] % heads)
        return tape_fail(t, "from_chunks", "chunks must be [B*H, C, d] with H = %d", heads);
    int chunk = c0->shape[1], dim = c0->shape[2];
    if ((seq_len + chunk - 1) / chunk != n_chunks)
        return tape_fail(t, "from_chunks", "%d chunks of %d do not cover a sequence of %d", n_chunks,
                         chunk, seq_len);
    for (int n = 1; n < n_chunks; n++)
        if (!tensor_same_shape(chunks[n], c0))
            return op_shape_mismatch(t, "from_chunks", c0, chunks[n]);
    from_chunks_saved_t *s = arena_alloc(&t->arena, sizeof *s);
    tensor_t **copy = arena_alloc(&t->arena, (size_t)n_chunks * sizeof *copy);
    if (!s || !copy)
        return tape_fail(t, "from_chunks", "out of memory");
    memcpy(copy, chunks, (size_t)n_chunks * sizeof *copy);
    s->chunks = copy;
    s->layout = (chunk_layout_t){c0->shape[0] / heads, seq_len, heads, dim, chunk, n_chunks, 0,
                                 heads * dim};
    const chunk_layout_t *k = &s->layout;
    tensor_t *y = op_output(t, 2, (int[]){k->batch * seq_len, heads * dim}, copy, n_chunks);
    if (!y)
        return NULL;
    size_t per_chunk = c0->numel;
    for (int b = 0; b < k->batch; b++)
        for (int pos = 0; pos < seq_len; pos++)
            for (int h = 0; h < heads; h++)
                memcpy(y->data + token_index(k, b, pos, h),
                       copy[pos / chunk]->data + chunked_index(k, b, pos, h) -
                           (size_t)(pos / chunk) * per_chunk,
                       (size_t)dim * sizeof(float));
    tape_node_t *nd = tape_push(t, "from_chunks", from_chunks_backward, y);
    if (nd)
        nd->saved = s;
    return y;
}
