/* Central finite differences against the tape's gradients. The checked function is
 * f(inputs) = sum(out * R) for a fixed random R, so every output element contributes.
 * Criterion: max |numeric - analytic| <= tol * max |numeric| over each input (see refine). */
#ifndef MADSWEEP_GRADCHECK_H
#define MADSWEEP_GRADCHECK_H

#include <stdbool.h>

#include "madsweep/tensor.h"

enum { GRADCHECK_MAX_INPUTS = 8 };

/* Builds the output from tensors wrapping the inputs; ctx is passed through. */
typedef tensor_t *(*gradcheck_forward_fn)(tape_t *t, tensor_t **inputs, void *ctx);

typedef struct gradcheck_input {
    int ndim;
    int shape[TENSOR_MAX_DIMS];
    float lo, hi;      /* random values drawn uniformly from [lo, hi) */
    bool no_grad;      /* a constant input: not perturbed, no gradient */
} gradcheck_input_t;

typedef struct gradcheck_spec {
    const char *name;
    int n_inputs;
    gradcheck_input_t inputs[GRADCHECK_MAX_INPUTS];
    gradcheck_forward_fn forward;
    void *ctx;
    float step;   /* finite-difference step h */
    float tol;    /* see the criterion above */
    /* > 0: an element whose error at h exceeds half the tolerance is measured again at h/3,
     * h/9, ... (up to refine times), and its smallest error counts. For functions with bends sharper than a float32 step
     * can follow, such as G / sqrt(G*G + 1e-8) near G = 0, or a layernorm over two values: there
     * the difference quotient at h is wrong, while a wrong backward disagrees at every step. */
    int refine;
    unsigned seed;
} gradcheck_spec_t;

/* Returns true when every input passes; prints one line per input either way. worst_ratio
 * (if not NULL) receives the largest error / (tol * scale) seen. */
bool gradcheck(const gradcheck_spec_t *spec, double *worst_ratio);

#endif
