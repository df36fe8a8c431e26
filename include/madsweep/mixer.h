/* Token mixers: the chunk loop, its variants (chunk-loop.md §5) and the registry of their
 * exact names.
 *
 * A variant is the loop lines it changes, written as forward code over the core ops: L1 (the
 * intra-chunk scores), L4 (the output) and L5 (the state update). A NULL hook keeps the
 * baseline line. Gradients come from the tape, so a new variant needs no backward code; the
 * registry-driven tests check every registered variant by finite differences. A variant may
 * instead name another mixer (the Gated DeltaNet of model.md §4), whose loop has no hooks.
 * docs/adding-a-variant.md walks through adding one. */
#ifndef MADSWEEP_MIXER_H
#define MADSWEEP_MIXER_H

#include "madsweep/params.h"
#include "madsweep/tensor.h"

enum { VARIANT_MAX_CONSTANTS = 8 };

typedef struct variant_constant {
    const char *name; /* as in the spec: gamma, mu, rho, eta, eps, beta1, beta2, temperature */
    double value;     /* the default; a sweep file or --set may override it by name */
    const char *help;
} variant_constant_t;

/* Chunk n of one mixer call; every tensor is [B*H, C, d] (beta [B*H, C]). Kb and Vb are the
 * beta-scaled keys and values, U and W the WY-form matrices of chunk-loop.md §2. */
typedef struct chunk_view {
    tensor_t *Q, *K, *V, *Kb, *Vb, *U, *W, *beta;
} chunk_view_t;

typedef struct variant variant_t;

/* What the loop carries from chunk to chunk. Extra states start at NULL, meaning zero, for
 * every mixer call (so for every sequence). */
typedef struct loop_state {
    tape_t *t;
    const variant_t *variant;
    const double *k; /* the variant's constants, in declaration order (see loop_constant) */
    int n;           /* chunk index, from 0 */
    tensor_t *S;     /* [B*H, d_k, d_v] */
    tensor_t *M, *Vs;
} loop_state_t;

typedef enum mixer_kind {
    MIXER_DELTA_NET,       /* model.md §3 around chunk_loop with the variant's hooks (the default) */
    MIXER_GATED_DELTA_NET, /* model.md §4 around gated_chunk_loop; the hooks are not used */
} mixer_kind_t;

struct variant {
    const char *name;        /* exact name, as in seed_results.csv */
    const char *description; /* one line */
    mixer_kind_t mixer;
    int n_constants;
    variant_constant_t constants[VARIANT_MAX_CONSTANTS];
    /* L1: P from the chunk's queries and keys. NULL: incl(Q K^T). */
    tensor_t *(*scores)(loop_state_t *s, const chunk_view_t *c);
    /* L4: the chunk's output. NULL: Q S + P Ut. */
    tensor_t *(*output)(loop_state_t *s, const chunk_view_t *c, tensor_t *P, tensor_t *Ut);
    /* L5: the next state (may also set s->M, s->Vs). NULL: S + K^T Ut. */
    tensor_t *(*update)(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut);
};

int variant_count(void);
const variant_t *variant_at(int i);
/* NULL, with an MS_ERR_INPUT error listing the known names, when name is unknown. */
const variant_t *variant_find(const char *name);
/* The index of a constant by name, or -1. */
int variant_constant_index(const variant_t *v, const char *name);

/* The chunk loop of chunk-loop.md §2-3 with the variant's hooks. q, k [N, B*H, C, d_k],
 * v [N, B*H, C, d_v], beta [N, B*H, C] (zero in padded rows). o receives the N output chunks
 * [B*H, C, d_v]. */
int chunk_loop(tape_t *t, const variant_t *variant, const double *constants, tensor_t *q,
               tensor_t *k, tensor_t *v, tensor_t *beta, tensor_t **o);

/* For hooks: the baseline lines, to build on (L1: incl(Q K^T); L4: Q S + P Ut; L5: S + G), the
 * baseline increment G = K^T Ut, and a constant by name (an unknown name fails the tape). */
tensor_t *loop_baseline_scores(loop_state_t *s, const chunk_view_t *c);
tensor_t *loop_baseline_output(loop_state_t *s, const chunk_view_t *c, tensor_t *P, tensor_t *Ut);
tensor_t *loop_baseline_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut);
tensor_t *loop_increment(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut);
double loop_constant(loop_state_t *s, const char *name);

/* The gated chunk loop of chunk-loop.md §4: as chunk_loop, plus the log-decays g [N, B*H, C] or
 * [N, B*H, C, 1] like beta (alpha = exp(g) < 1; zero in padded rows, which with beta = 0 there
 * neither decay nor write the state). */
int gated_chunk_loop(tape_t *t, tensor_t *q, tensor_t *k, tensor_t *v, tensor_t *beta, tensor_t *g,
                     tensor_t **o);

/* The loop of the variant's mixer kind, for callers that treat every variant alike (the
 * registry-driven tests): chunk_loop (g unused, may be NULL), or gated_chunk_loop with g. */
int variant_loop(tape_t *t, const variant_t *variant, const double *constants, tensor_t *q,
                 tensor_t *k, tensor_t *v, tensor_t *beta, tensor_t *g, tensor_t **o);

/* The DeltaNet mixer of model.md §3: parameter indices of one layer. */
typedef struct delta_net_layer {
    int q_proj, k_proj, v_proj, b_proj, q_conv, k_conv, v_conv, o_norm, o_proj;
} delta_net_layer_t;

typedef struct mixer_shape {
    int d_model, heads, head_dim, chunk;
} mixer_shape_t;

/* Registers the layer's parameters under prefix ("layers.0.mixer.") in model.md §5's init. */
int delta_net_add_params(params_t *p, const char *prefix, const mixer_shape_t *shape,
                         delta_net_layer_t *layer);
/* x [B*L, D] (already normalised) -> [B*L, D] */
tensor_t *delta_net_forward(tape_t *t, const params_t *p, const delta_net_layer_t *layer,
                            const mixer_shape_t *shape, const variant_t *variant,
                            const double *constants, tensor_t *x, int seq_len);

/* The Gated DeltaNet mixer of model.md §4: key heads of head_dim, value heads of 2 * head_dim
 * (expand_v = 2), so q, k: D -> heads * head_dim and v, the output gate: D -> 2 * heads * head_dim. */
typedef struct gated_delta_net_layer {
    int q_proj, k_proj, v_proj, b_proj, a_proj, A_log, dt_bias, g_proj, q_conv, k_conv, v_conv, o_norm,
        o_proj;
} gated_delta_net_layer_t;

int gated_delta_net_add_params(params_t *p, const char *prefix, const mixer_shape_t *shape,
                               gated_delta_net_layer_t *layer);
/* x [B*L, D] (already normalised) -> [B*L, D] */
tensor_t *gated_delta_net_forward(tape_t *t, const params_t *p, const gated_delta_net_layer_t *layer,
                                  const mixer_shape_t *shape, tensor_t *x, int seq_len);

#endif
