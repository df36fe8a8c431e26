/* Shared by the op files only. */
#ifndef MADSWEEP_OPS_INTERNAL_H
#define MADSWEEP_OPS_INTERNAL_H

#include <stdarg.h>

#include "madsweep/ops.h"

/* True when the tape has not failed and none of the n tensors is NULL (a NULL input means an
 * earlier op failed: pass the NULL on). */
static inline bool op_ready(tape_t *t, int n, ...)
{
    if (t->status != 0)
        return false;
    va_list ap;
    va_start(ap, n);
    bool ok = true;
    for (int i = 0; i < n; i++)
        if (!va_arg(ap, tensor_t *))
            ok = false;
    va_end(ap);
    return ok;
}

/* Row-major C = alpha op(A) op(B) + beta C for m x n C and inner size k; leading dimensions
 * are those of dense matrices. */
void gemm_f32(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a,
              const float *b, float beta, float *c);

/* dst[i] = expr, or dst[i] += expr, for i in [0, n): a backward that is first to write an
 * input's gradient (tensor_grad_for_overwrite said fresh) assigns, which saves zeroing it and
 * reading the zeros back. expr is written in terms of i. */
#define GRAD_STORE(fresh, n, dst, expr)                \
    do {                                               \
        float *restrict dst_ = (dst);                  \
        size_t n_ = (n);                               \
        if (fresh)                                     \
            for (size_t i = 0; i < n_; i++)            \
                dst_[i] = (expr);                      \
        else                                           \
            for (size_t i = 0; i < n_; i++)            \
                dst_[i] += (expr);                     \
    } while (0)

/* Fails the tape with both shapes in the message. */
tensor_t *op_shape_mismatch(tape_t *t, const char *op, const tensor_t *a, const tensor_t *b);

#endif
