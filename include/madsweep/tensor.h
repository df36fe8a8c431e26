/* Tensors and the tape: reverse-mode autodiff over coarse primitive ops (design.md, "The
 * compute core").
 *
 * A tensor is a float32 buffer of up to 4 dimensions, row-major and contiguous, carved from
 * the tape's arena, which is reset every step. An op computes its forward at once and, while
 * the tape records and an input needs a gradient, appends a node whose backward accumulates
 * (+=) into its inputs' gradients. tape_backward runs the nodes in reverse.
 *
 * Failures are sticky: an op that fails (bad shapes, out of memory) records the first error in
 * the tape and returns NULL, and every op given a NULL input returns NULL at once, so a forward
 * pass is written straight through and checked once, with tape_status, at the end. */
#ifndef MADSWEEP_TENSOR_H
#define MADSWEEP_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "madsweep/arena.h"

enum { TENSOR_MAX_DIMS = 4 };

typedef struct tensor {
    float *data;
    float *grad;          /* NULL until first needed; then zeroed, same shape as data */
    struct tensor *base;  /* for a view: the tensor that owns data and grad; else NULL */
    size_t offset;        /* a view's first element inside base */
    int ndim;
    int shape[TENSOR_MAX_DIMS];
    size_t numel;
    bool requires_grad;
} tensor_t;

typedef struct tape tape_t;
typedef struct tape_node tape_node_t;
typedef void (*tape_backward_fn)(tape_t *t, const tape_node_t *n);

/* What a backward function gets: the op's output, inputs, and whatever it chose to keep. */
struct tape_node {
    tape_backward_fn backward;
    const char *op;
    tensor_t *out;
    tensor_t *in[4];
    void *saved;       /* op-specific buffer in the arena (for example rmsnorm's rstd) */
    const void *cptr;  /* borrowed constant data (token ids, targets) that outlives the step */
    int i[8];
    float f[4];
};

struct tape {
    arena_t arena;
    tape_node_t *nodes;
    int n_nodes, cap_nodes;
    bool recording;  /* false: forward only (evaluation), nothing is recorded */
    int status;      /* MS_OK, or the first failure since the last reset */
};

void tape_init(tape_t *t);
void tape_free(tape_t *t);
/* Forget every node and every per-step tensor. */
void tape_reset(tape_t *t);
int tape_status(const tape_t *t);
/* Records the first failure (message via ms_fail) and returns NULL for the caller to pass on. */
tensor_t *tape_fail(tape_t *t, const char *op, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A new tensor in the arena: uninitialised data, no gradient. */
tensor_t *tensor_new(tape_t *t, int ndim, const int *shape);
tensor_t *tensor_zeros(tape_t *t, int ndim, const int *shape);
/* A tensor over memory that outlives the step (a parameter): grad may be NULL (no gradient). */
tensor_t *tensor_wrap(tape_t *t, float *data, float *grad, int ndim, const int *shape);
/* A contiguous piece of x starting at element offset, with its own shape; it shares x's data
 * and, when the backward needs it, x's gradient. */
tensor_t *tensor_view(tape_t *t, tensor_t *x, size_t offset, int ndim, const int *shape);
/* x's gradient buffer, allocated zeroed on first use (for a view: inside its base's). */
float *tensor_grad(tape_t *t, tensor_t *x);
/* The same, but when the gradient does not exist yet it is left unzeroed and *overwrite is set:
 * the caller then writes every element with = instead of +=, saving a pass over memory. */
float *tensor_grad_for_overwrite(tape_t *t, tensor_t *x, bool *overwrite);

/* Sizes: the last dimension, and the product of all the others. */
static inline int tensor_cols(const tensor_t *x) { return x->shape[x->ndim - 1]; }
static inline size_t tensor_rows(const tensor_t *x) { return x->numel / (size_t)tensor_cols(x); }
bool tensor_same_shape(const tensor_t *a, const tensor_t *b);
/* "[2,3,4]" into buf, for messages. */
const char *tensor_shape_str(const tensor_t *x, char *buf, size_t len);

/* For ops: a new output shaped like `shape`, needing a gradient when any input does and the tape
 * records. Returns NULL when allocation fails. */
tensor_t *op_output(tape_t *t, int ndim, const int *shape, tensor_t *const *inputs, int n_inputs);
/* For ops: append a node for out when out needs a gradient; returns the node to fill, or NULL
 * when nothing is recorded (callers then skip saving). */
tape_node_t *tape_push(tape_t *t, const char *op, tape_backward_fn backward, tensor_t *out);

/* Seeds d(loss)/d(loss) = 1 on a one-element tensor and runs every node backward. */
int tape_backward(tape_t *t, tensor_t *loss);
/* The same from any output, with d(something)/d(out) = dout (out->numel values). */
int tape_backward_seeded(tape_t *t, tensor_t *out, const float *dout);

#endif
