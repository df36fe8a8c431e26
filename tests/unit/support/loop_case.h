/* One chunk-loop problem on random inputs, for the tests of every loop kind: inputs in token
 * rows, the loop of the variant's mixer kind, and the token-by-token recurrences in double. */
#ifndef MADSWEEP_TEST_LOOP_CASE_H
#define MADSWEEP_TEST_LOOP_CASE_H

#include "madsweep/mixer.h"

typedef struct loop_case {
    int batch, len, heads, dk, dv, chunk;
    const variant_t *variant;
    const double *constants; /* NULL: the variant's defaults */
} loop_case_t;

/* The inputs, in token rows [B*L, ...]: q, k [H*dk], v [H*dv], beta logits and log-decay
 * logits [H]. beta = sigmoid(logit); g = -softplus(logit) (< 0), used by gated variants only. */
enum { LOOP_Q, LOOP_K, LOOP_V, LOOP_BETA, LOOP_G, LOOP_INPUTS };

/* The number of inputs the variant's loop reads: LOOP_INPUTS when gated, else one fewer. */
int loop_case_n_inputs(const loop_case_t *c);
/* Columns of input i. */
int loop_case_width(const loop_case_t *c, int i);
/* gradcheck's forward: x as above -> o [B*L, H*dv]; q and k are l2-normalised per head. */
tensor_t *loop_case_forward(tape_t *t, tensor_t **x, void *ctx);
/* Random inputs (malloc'd; free with loop_case_free), and the loop's output (malloc'd). */
void loop_case_inputs(const loop_case_t *c, unsigned seed, float *in[LOOP_INPUTS]);
void loop_case_free(float *in[LOOP_INPUTS]);
float *loop_case_run(const loop_case_t *c, float *const in[LOOP_INPUTS]);
/* chunk-loop.md §3 (gated false) or §4 (gated true), token by token in double, into out [B*L, H*dv]. */
void loop_case_token_recurrence(const loop_case_t *c, float *const in[LOOP_INPUTS], bool gated, double *out);

#endif
