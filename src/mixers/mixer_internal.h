/* Shared by the mixer files only. */
#ifndef MADSWEEP_MIXER_INTERNAL_H
#define MADSWEEP_MIXER_INTERNAL_H

#include "madsweep/mixer.h"

/* model.md §5 and §3 */
static const float MIXER_LINEAR_STD = 0.02f, MIXER_CONV_BOUND = 0.5f;
static const float MIXER_L2NORM_EPS = 1e-6f, MIXER_RMSNORM_EPS = 1e-5f;

/* Chunk n of x [N, B*H, C, d] (-> [B*H, C, d]) or [N, B*H, C] (-> [B*H, C]), as a view. */
tensor_t *mixer_chunk_of(tape_t *t, tensor_t *x, int n);

/* Adds prefix + name as [rows, cols], or [rows] when cols is 0; returns its index or -1. */
int mixer_add_param(params_t *p, const char *prefix, const char *name, int rows, int cols,
                    param_init_t init, float a, float b);

/* The loop's output chunks o[n] [B*H, C, d] -> [B*L, H*d], each head normalised by RMSNorm over
 * its d values with one weight vector [d] shared by all heads (model.md §3 and §4). */
tensor_t *mixer_merge_heads(tape_t *t, tensor_t *const *o, int n_chunks, int heads, int len,
                            tensor_t *norm_weight);

#endif
