/* Central finite differences against the tape's gradients. The checked function is
 * f(inputs) = sum(out * R) for a fixed random R, so every output element contributes.
 * Criterion: max |numeric - analytic| <= tol * max |numeric| over each input. */
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
    unsigned seed;
} gradcheck_spec_t;

/* Returns true when every input passes; prints one line per input either way. worst_ratio
 * (if not NULL) receives the largest error / (tol * scale) seen. */
bool gradcheck(const gradcheck_spec_t *spec, double *worst_ratio);

#endif
