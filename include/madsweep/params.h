/* Parameters live in one flat buffer, with a table of named, shaped views into it (as in
 * llm.c). Gradients and AdamW moments use the same layout, so the optimiser is one loop and a
 * checkpoint is one dataset per buffer. */
#ifndef MADSWEEP_PARAMS_H
#define MADSWEEP_PARAMS_H

#include <stddef.h>

#include "madsweep/rng.h"
#include "madsweep/tensor.h"

typedef enum param_init {
    INIT_NORMAL,  /* normal(0, a) */
    INIT_UNIFORM, /* uniform [a, b) */
    INIT_ONES,
    INIT_ZEROS,
    INIT_A_LOG,   /* Gated DeltaNet: log(U(a, b]) (model.md §5; the open end at a keeps log(0) out) */
    INIT_DT_BIAS, /* Gated DeltaNet: inverse softplus of a log-uniform dt in [a, b] */
} param_init_t;

enum { PARAM_NAME_MAX = 64 };

typedef struct param_info {
    char name[PARAM_NAME_MAX];
    int ndim;
    int shape[TENSOR_MAX_DIMS];
    size_t offset, numel; /* in floats, inside the flat buffers */
    param_init_t init;
    float a, b;
} param_info_t;

typedef struct params {
    param_info_t *info;
    int count, cap;
    size_t total; /* floats */
    float *data;  /* allocated by params_alloc */
    float *grad;
} params_t;

void params_init_table(params_t *p);
/* Appends a parameter to the table; returns its index, or -1 (with an error) when out of memory. */
int params_add(params_t *p, const char *name, int ndim, const int *shape, param_init_t init,
               float a, float b);
/* Allocates data and (zeroed) grad buffers for the whole table. */
int params_alloc(params_t *p);
/* Draws every parameter, in table order, from a generator seeded with seed (model.md §5). */
void params_initialise(params_t *p, uint64_t seed);
int params_find(const params_t *p, const char *name); /* index or -1 */
void params_zero_grad(params_t *p);
/* A tensor over parameter i for this step, with its gradient when the tape records. */
tensor_t *params_tensor(tape_t *t, const params_t *p, int i);
/* One tensor over parameters first .. first+count-1, which must be adjacent in the table and
 * share all but their first dimension: [sum of first dims, ...]. One matrix product then
 * serves several projections (q, k and v; SwiGLU's w1 and w2). */
tensor_t *params_span(tape_t *t, const params_t *p, int first, int count);
void params_free(params_t *p);

#endif
