/* The registered variants (chunk-loop.md §5), one file each, and the pieces they share. Only
 * the mixer files include this. */
#ifndef MADSWEEP_VARIANTS_H
#define MADSWEEP_VARIANTS_H

#include "madsweep/mixer.h"

/* In the order of the table of chunk-loop.md §5 (registry.c lists them so). */
extern const variant_t variant_delta_net;                        /* #1 */
extern const variant_t variant_decay_state_update;               /* #2 */
extern const variant_t variant_momentum_state_update;            /* #3 */
extern const variant_t variant_rmsprop_state_update;             /* #4 */
extern const variant_t variant_adam_state_update;                /* #5 */
extern const variant_t variant_layernorm_state_update;           /* #6 */
extern const variant_t variant_error_gated_state_update;         /* #7 */
extern const variant_t variant_softmax_attention;                /* #8 */
extern const variant_t variant_cosine_softmax_attention;         /* #9 */
extern const variant_t variant_cosine_softmax_error_gated;       /* #10 */
extern const variant_t variant_sigmoid_similarity_gate;          /* #11 */
extern const variant_t variant_add_local_softmax_attention;      /* #12 */
extern const variant_t variant_gated_delta_net;                  /* #13 */

/* Shared hooks: L1 of #9 (used by #10), L5 of #7 (used by #10). */
tensor_t *cosine_softmax_scores(loop_state_t *s, const chunk_view_t *c);
tensor_t *error_gated_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut);

/* Shared by the optimiser-style updates (#4, #5; common.c). */
/* decay * avg + (1 - decay) * x; avg NULL means zero (an extra state's first chunk) */
tensor_t *variant_moving_average(tape_t *t, tensor_t *avg, double decay, tensor_t *x);
/* S + eta * (num_scale * num) / sqrt(den_scale * den + eps) */
tensor_t *variant_adaptive_step(tape_t *t, tensor_t *S, double eta, tensor_t *num, double num_scale,
                                tensor_t *den, double den_scale, double eps);

#endif
