/* The backbones of model.md: embedding, [mixer, SwiGLU, mixer, SwiGLU] with pre-norm
 * residuals, then either the LanguageModel's final RMSNorm and untied head (§1) or the
 * AutoEncoder's decoder (§2). */
#include <stdio.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/model.h"
#include "madsweep/ops.h"

static const float RMSNORM_EPS = 1e-5f;

void model_config_default(model_config_t *c, const variant_t *variant, int vocab_size)
{
    memset(c, 0, sizeof *c);
    c->variant = variant;
    for (int i = 0; i < variant->n_constants; i++)
        c->constants[i] = variant->constants[i].value;
    c->vocab_size = vocab_size;
    c->d_model = 128;
    c->heads = 4;
    c->head_dim = 32;
    c->mlp_hidden = 352;
    c->chunk = 32;
}

static mixer_shape_t mixer_shape(const model_config_t *c)
{
    return (mixer_shape_t){c->d_model, c->heads, c->head_dim, c->chunk};
}

int model_create(model_t *m, const model_config_t *cfg)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    params_t *p = &m->params;
    params_init_table(p);
    int d = cfg->d_model, v = cfg->vocab_size;
    mixer_shape_t shape = mixer_shape(cfg);
    m->embedding = params_add(p, "embedding.weight", 2, (int[]){v, d}, INIT_NORMAL, 0.02f, 0);
    for (int i = 0; i < MODEL_LAYERS; i++) {
        char prefix[PARAM_NAME_MAX];
        snprintf(prefix, sizeof prefix, "layers.%d.norm.weight", i);
        m->norm[i] = params_add(p, prefix, 1, (int[]){d}, INIT_ONES, 0, 0);
        int status;
        if (i % 2 == 0) {
            snprintf(prefix, sizeof prefix, "layers.%d.mixer.", i);
            status = cfg->variant->mixer == MIXER_GATED_DELTA_NET
                         ? gated_delta_net_add_params(p, prefix, &shape, &m->gated[i / 2])
                         : delta_net_add_params(p, prefix, &shape, &m->mixer[i / 2]);
        } else {
            snprintf(prefix, sizeof prefix, "layers.%d.mlp.", i);
            status = swiglu_add_params(p, prefix, d, cfg->mlp_hidden, &m->mlp[i / 2]);
        }
        if (status != MS_OK)
            return status;
    }
    if (cfg->autoencoder) {
        if (decoder_add_params(p, d, v, &m->decoder) != MS_OK)
            return MS_ERR_RUN;
    } else {
        m->final_norm = params_add(p, "final_norm.weight", 1, (int[]){d}, INIT_ONES, 0, 0);
        m->head_weight = params_add(p, "head.weight", 2, (int[]){v, d}, INIT_NORMAL, 0.02f, 0);
        m->head_bias = params_add(p, "head.bias", 1, (int[]){v}, INIT_ZEROS, 0, 0);
        if (m->head_bias < 0)
            return MS_ERR_RUN;
    }
    return params_alloc(p);
}

void model_free(model_t *m) { params_free(&m->params); }

/* Token mixer j (of layer 2j): the variant's mixer kind decides which. */
static tensor_t *mixer_forward(tape_t *t, const model_t *m, int j, tensor_t *x, int len)
{
    const model_config_t *c = &m->cfg;
    mixer_shape_t shape = mixer_shape(c);
    if (c->variant->mixer == MIXER_GATED_DELTA_NET)
        return gated_delta_net_forward(t, &m->params, &m->gated[j], &shape, x, len);
    return delta_net_forward(t, &m->params, &m->mixer[j], &shape, c->variant, c->constants, x, len);
}

tensor_t *model_logits(tape_t *t, const model_t *m, const int32_t *tokens, int batch, int len)
{
    const params_t *p = &m->params;
    const model_config_t *c = &m->cfg;
    tensor_t *h = op_gather_rows(t, params_tensor(t, p, m->embedding), tokens, batch * len);
    for (int i = 0; i < MODEL_LAYERS; i++) {
        tensor_t *x = op_rmsnorm(t, h, params_tensor(t, p, m->norm[i]), RMSNORM_EPS);
        tensor_t *y = i % 2 ? swiglu_forward(t, p, &m->mlp[i / 2], x) : mixer_forward(t, m, i / 2, x, len);
        h = op_add(t, h, y);
    }
    if (c->autoencoder)
        return decoder_forward(t, p, &m->decoder, h, batch, len);
    tensor_t *x = op_rmsnorm(t, h, params_tensor(t, p, m->final_norm), RMSNORM_EPS);
    return op_linear(t, x, params_tensor(t, p, m->head_weight), params_tensor(t, p, m->head_bias));
}
