/* The backbones of model.md: the LanguageModel (§1) and the AutoEncoder (§2, compression),
 * both around two token mixers and two SwiGLU channel mixers. All parameters sit in one
 * params_t, named as in the probe files. */
#ifndef MADSWEEP_MODEL_H
#define MADSWEEP_MODEL_H

#include <stdbool.h>

#include "madsweep/mixer.h"
#include "madsweep/params.h"

typedef struct model_config {
    const variant_t *variant;
    double constants[VARIANT_MAX_CONSTANTS]; /* the variant's, defaults unless overridden */
    int vocab_size;
    int d_model;    /* 128 */
    int heads;      /* 4 */
    int head_dim;   /* 32 */
    int mlp_hidden; /* 352 = 16 * ceil(floor(2 * 128 * 4 / 3) / 16) */
    int chunk;      /* C = 32 */
    bool autoencoder; /* the compression backbone instead of the LanguageModel */
} model_config_t;

/* The spec's sizes, and the variant's default constants. */
void model_config_default(model_config_t *c, const variant_t *variant, int vocab_size);

typedef struct swiglu_layer {
    int w1, w2, w3;
} swiglu_layer_t;

/* The AutoEncoder's decoder (model.md §2): three pre-normed Linears with bias. */
typedef struct decoder {
    int norm1, fc1_weight, fc1_bias, norm2, fc2_weight, fc2_bias, norm3, out_weight, out_bias;
} decoder_t;

enum { MODEL_LAYERS = 4 }; /* mixer, SwiGLU, mixer, SwiGLU */

typedef struct model {
    model_config_t cfg;
    params_t params;
    int embedding, final_norm, head_weight, head_bias; /* LanguageModel only */
    decoder_t decoder;                                 /* AutoEncoder only */
    int norm[MODEL_LAYERS];
    delta_net_layer_t mixer[MODEL_LAYERS / 2];             /* cfg.variant->mixer == MIXER_DELTA_NET */
    gated_delta_net_layer_t gated[MODEL_LAYERS / 2];       /* MIXER_GATED_DELTA_NET */
    swiglu_layer_t mlp[MODEL_LAYERS / 2];
} model_t;

/* Builds the parameter table and allocates it; weights are set by params_initialise. */
int model_create(model_t *m, const model_config_t *cfg);
void model_free(model_t *m);
/* tokens [batch * len] -> logits [batch * len, V]; tokens must outlive the step. */
tensor_t *model_logits(tape_t *t, const model_t *m, const int32_t *tokens, int batch, int len);

/* The AutoEncoder's decoder: h [B*L, D] from the encoder -> logits [B*L, V]. */
int decoder_add_params(params_t *p, int d_model, int vocab_size, decoder_t *d);
tensor_t *decoder_forward(tape_t *t, const params_t *p, const decoder_t *d, tensor_t *h, int batch, int len);

/* FLOPs of one training step per token (src/nn/flops.c says what is counted). */
double model_flops_per_token(const model_config_t *c);

/* SwiGLU (model.md §1): W3(silu(W1 x) * (W2 x)), no biases. */
int swiglu_add_params(params_t *p, const char *prefix, int d_model, int hidden, swiglu_layer_t *l);
tensor_t *swiglu_forward(tape_t *t, const params_t *p, const swiglu_layer_t *l, tensor_t *x);

#endif
