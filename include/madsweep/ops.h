/* The primitive ops. Each computes its forward now and, when recording, puts a node on the
 * tape whose backward accumulates into the inputs' gradients (tensor.h). Shapes are in the
 * comment beside each op: "rows" is the product of all dimensions but the last. Every op is
 * checked against central finite differences in tests/unit/test_ops_*.c. */
#ifndef MADSWEEP_OPS_H
#define MADSWEEP_OPS_H

#include "madsweep/tensor.h"

/* ---- matrix products (OpenBLAS) ---- */

/* x [..., in], w [out, in] (PyTorch's layout), b [out] or NULL -> [..., out] = x w^T + b */
tensor_t *op_linear(tape_t *t, tensor_t *x, tensor_t *w, tensor_t *b);
/* a [..., m, k] (or [..., k, m] when trans_a), b [..., k, n] (or [..., n, k] when trans_b);
 * the batch dimensions of b equal a's or are absent (one b shared by every batch element)
 * -> [..., m, n] = op(a) op(b) per batch element */
tensor_t *op_bmm(tape_t *t, tensor_t *a, tensor_t *b, bool trans_a, bool trans_b);

/* ---- elementwise, same shapes in and out ---- */

tensor_t *op_add(tape_t *t, tensor_t *a, tensor_t *b);
tensor_t *op_sub(tape_t *t, tensor_t *a, tensor_t *b);
tensor_t *op_mul(tape_t *t, tensor_t *a, tensor_t *b);
tensor_t *op_div(tape_t *t, tensor_t *a, tensor_t *b);
/* scale * x + shift, with constants */
tensor_t *op_affine(tape_t *t, tensor_t *x, float scale, float shift);

typedef enum unary_kind {
    UNARY_SILU,     /* z * sigmoid(z) */
    UNARY_SIGMOID,
    UNARY_EXP,
    UNARY_SQRT,     /* inputs must be positive where the gradient is taken */
    UNARY_GELU,     /* exact: z * Phi(z) */
    UNARY_SOFTPLUS, /* log(1 + e^z), z itself above 20 */
} unary_kind_t;
tensor_t *op_unary(tape_t *t, tensor_t *x, unary_kind_t kind);

/* x [..., 2F] -> [..., F] = silu(a) * b, with a and b the first and second halves of each row
 * (SwiGLU's gate, after one product for both of its input projections) */
tensor_t *op_swiglu(tape_t *t, tensor_t *x);

/* ---- one value per row or per column (ops_rows.c) ---- */

/* x [rows, cols] (any leading shape), s [n] with rows a multiple of n -> y[r, c] = s[r / g] x[r, c],
 * g = rows / n: one value per row (g = 1), or per group of g consecutive rows (for example one per
 * matrix of a batch [nb, m, k] with s [nb]) */
tensor_t *op_scale_rows(tape_t *t, tensor_t *x, tensor_t *s);
/* x [..., c], s [c] -> y[..., j] = x[..., j] s[j] */
tensor_t *op_scale_cols(tape_t *t, tensor_t *x, tensor_t *s);
/* x [..., w] -> [..., n] = columns col0 .. col0 + n - 1 (a copy) */
tensor_t *op_slice_cols(tape_t *t, tensor_t *x, int col0, int n);
/* x [..., c] -> [..., 1] = sqrt(sum(x^2) + eps) per row */
tensor_t *op_row_norm(tape_t *t, tensor_t *x, float eps);

/* ---- normalisation over the last dimension ---- */

/* x [..., c], w [c] -> x / sqrt(mean(x^2) + eps) * w */
tensor_t *op_rmsnorm(tape_t *t, tensor_t *x, tensor_t *w, float eps);
/* x [..., c] -> x / sqrt(sum(x^2) + eps) */
tensor_t *op_l2norm(tape_t *t, tensor_t *x, float eps);
/* x [..., c] -> (x - mean) / sqrt(var + eps), biased variance, no affine */
tensor_t *op_layernorm(tape_t *t, tensor_t *x, float eps);

/* ---- square matrices per batch element (the chunk loop's C x C blocks) ---- */

/* x [..., m, m] -> alpha * x with entries above the diagonal zeroed (strict: the diagonal too) */
tensor_t *op_tril(tape_t *t, tensor_t *x, bool strict, float alpha);
/* x [..., m, m] -> row softmax over columns c <= r; zero above the diagonal */
tensor_t *op_softmax_causal(tape_t *t, tensor_t *x);
/* a [..., m, m] strictly lower triangular -> (I - a)^{-1}, unit lower triangular */
tensor_t *op_unit_tril_inverse(tape_t *t, tensor_t *a);

/* ---- the gated loop's log-decays (chunk-loop.md §4; ops_decay.c) ---- */

/* x [..., m] -> inclusive prefix sums along the last dimension: y[..., j] = sum_{i <= j} x[..., i] */
tensor_t *op_cumsum(tape_t *t, tensor_t *x);
/* gam [..., m] (at most 3 dimensions) -> [..., m, m]: exp(gam_r - gam_c) for c <= r, zero above
 * the diagonal */
tensor_t *op_decay_matrix(tape_t *t, tensor_t *gam);

/* ---- sequences: tokens are rows, batch-major ([B*L, ...]) ---- */

/* w [V, D], ids [n] in [0, V) -> [n, D] = w[ids]: the embedding lookup, and any row selection
 * (the AutoEncoder's last-token bottleneck). ids must outlive the step. */
tensor_t *op_gather_rows(tape_t *t, tensor_t *w, const int32_t *ids, int n);
/* x [B*L, c], w [c, 4] -> causal depthwise conv of width 4 along each sequence of length L:
 * y[t, c] = sum_j w[c, j] x[t - 3 + j, c], zero before the sequence start */
tensor_t *op_conv4(tape_t *t, tensor_t *x, tensor_t *w, int seq_len);
/* x [B*L, W]: columns col0 .. col0 + H*d as H heads of width d -> [N, B*H, C, d] with
 * N = ceil(L / C), zero rows after each sequence's end (chunk-loop.md §1) */
tensor_t *op_to_chunks(tape_t *t, tensor_t *x, int col0, int heads, int head_dim, int seq_len,
                       int chunk);
/* chunks[n] [B*H, C, d] for n < n_chunks -> [B*L, H*d]; padded rows are dropped. The array
 * of pointers is copied. */
tensor_t *op_from_chunks(tape_t *t, tensor_t *const *chunks, int n_chunks, int heads, int seq_len);

/* ---- loss ---- */

/* logits [n, V], targets [n] (TASK_IGN skipped) -> one-element tensor: scale * sum over scored
 * rows of -log softmax(logits)[target]. targets must outlive the step. */
tensor_t *op_cross_entropy(tape_t *t, tensor_t *logits, const int32_t *targets, float scale);

#endif
