/* Layers and the whole LanguageModel end to end against finite differences, on tiny shapes
 * (step 1e-3: at 1e-2 the truncation error of the normalisations' curvature dominates):
 * every parameter of the flat buffer is perturbed. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "cunit_main.h"
#include "gradcheck.h"
#include "madsweep/model.h"
#include "madsweep/ops.h"

enum { BATCH = 2, LEN = 7, VOCAB = 5 };

static const char *const GATED = "gated_delta_net_4layer";

/* A tiny model: D = 8, 2 heads of 4, SwiGLU width 8, chunk 4 (L = 7 pads the second chunk). */
static void tiny_config_of(model_config_t *c, const char *variant)
{
    model_config_default(c, variant_find(variant), VOCAB);
    c->d_model = 8;
    c->heads = 2;
    c->head_dim = 4;
    c->mlp_hidden = 8;
    c->chunk = 4;
}

/* Point the model's flat buffers at the checker's input, so that it perturbs every parameter. */
static void use_input_as_params(model_t *m, tensor_t *flat)
{
    m->params.data = flat->data;
    m->params.grad = flat->grad;
}

static const int32_t tokens[BATCH * LEN] = {0, 1, 2, 3, 4, 0, 1, 4, 4, 3, 2, 1, 0, 2};
static const int32_t targets[BATCH * LEN] = {1, 2, -100, 4, 0, 1, 3, 4, 3, 2, 1, 0, -100, 0};

static tensor_t *fw_model_loss(tape_t *t, tensor_t **x, void *ctx)
{
    model_t *m = ctx;
    use_input_as_params(m, x[0]);
    tensor_t *logits = model_logits(t, m, tokens, BATCH, LEN);
    return op_cross_entropy(t, logits, targets, 1.0f / 12.0f);
}

/* The logits themselves: the decoder's gradients are small next to the loss's rounding. */
static tensor_t *fw_model_logits(tape_t *t, tensor_t **x, void *ctx)
{
    model_t *m = ctx;
    use_input_as_params(m, x[0]);
    return model_logits(t, m, tokens, BATCH, LEN);
}

static tensor_t *fw_mixer(tape_t *t, tensor_t **x, void *ctx)
{
    model_t *m = ctx;
    use_input_as_params(m, x[0]);
    mixer_shape_t s = {m->cfg.d_model, m->cfg.heads, m->cfg.head_dim, m->cfg.chunk};
    return delta_net_forward(t, &m->params, &m->mixer[0], &s, m->cfg.variant, m->cfg.constants, x[1], LEN);
}

static tensor_t *fw_gated_mixer(tape_t *t, tensor_t **x, void *ctx)
{
    model_t *m = ctx;
    use_input_as_params(m, x[0]);
    mixer_shape_t s = {m->cfg.d_model, m->cfg.heads, m->cfg.head_dim, m->cfg.chunk};
    return gated_delta_net_forward(t, &m->params, &m->gated[0], &s, x[1], LEN);
}

static tensor_t *fw_swiglu(tape_t *t, tensor_t **x, void *ctx)
{
    model_t *m = ctx;
    use_input_as_params(m, x[0]);
    return swiglu_forward(t, &m->params, &m->mlp[0], x[1]);
}

typedef struct { model_t m; float *data, *grad; } tiny_model_t;

static void tiny_model_create_of(tiny_model_t *tm, const char *variant, bool autoencoder)
{
    model_config_t c;
    tiny_config_of(&c, variant);
    c.autoencoder = autoencoder;
    CU_ASSERT_EQUAL_FATAL(model_create(&tm->m, &c), 0);
    tm->data = tm->m.params.data; /* restored before model_free */
    tm->grad = tm->m.params.grad;
}

static void tiny_model_create(tiny_model_t *tm) { tiny_model_create_of(tm, "delta_net_4layer", false); }

static void tiny_model_free(tiny_model_t *tm)
{
    tm->m.params.data = tm->data;
    tm->m.params.grad = tm->grad;
    model_free(&tm->m);
}

static void test_delta_net_mixer_gradient(void)
{
    tiny_model_t tm;
    tiny_model_create(&tm);
    int n = (int)tm.m.params.total;
    /* conv weights in [-0.5, 0.5] and norm weights near 1 are inside [-1, 1]: fine for the check */
    gradcheck_spec_t s = {.name = "delta_net mixer", .forward = fw_mixer, .ctx = &tm.m, .n_inputs = 2,
                          .inputs = {{1, {n}, -0.5f, 0.5f, false}, {2, {BATCH * LEN, 8}, -1, 1, false}},
                          .step = 1e-3f, .tol = 3e-3f};
    CU_ASSERT_TRUE(gradcheck(&s, NULL));
    tiny_model_free(&tm);
}

/* model.md §4 with its projections, decays, gate and norm: every parameter of the tiny model
 * (A_log and dt_bias in [-0.5, 0.5] too: decays exp(g) well inside (0, 1)) */
static void test_gated_delta_net_mixer_gradient(void)
{
    tiny_model_t tm;
    tiny_model_create_of(&tm, GATED, false);
    int n = (int)tm.m.params.total;
    gradcheck_spec_t s = {.name = "gated delta_net mixer", .forward = fw_gated_mixer, .ctx = &tm.m, .n_inputs = 2,
                          .inputs = {{1, {n}, -0.5f, 0.5f, false}, {2, {BATCH * LEN, 8}, -1, 1, false}},
                          .step = 1e-3f, .tol = 3e-3f};
    CU_ASSERT_TRUE(gradcheck(&s, NULL));
    tiny_model_free(&tm);
}

static void test_language_model_with_gated_mixers_loss_gradient_for_every_parameter(void)
{
    tiny_model_t tm;
    tiny_model_create_of(&tm, GATED, false);
    CU_ASSERT_TRUE(params_find(&tm.m.params, "layers.2.mixer.A_log") >= 0);
    int n = (int)tm.m.params.total;
    gradcheck_spec_t s = {.name = "gated language model loss", .forward = fw_model_loss, .ctx = &tm.m,
                          .n_inputs = 1, .inputs = {{1, {n}, -0.5f, 0.5f, false}},
                          .step = 1e-3f, .tol = 3e-3f};
    CU_ASSERT_TRUE(gradcheck(&s, NULL));
    tiny_model_free(&tm);
}

static void test_swiglu_gradient(void)
{
    tiny_model_t tm;
    tiny_model_create(&tm);
    int n = (int)tm.m.params.total;
    gradcheck_spec_t s = {.name = "swiglu", .forward = fw_swiglu, .ctx = &tm.m, .n_inputs = 2,
                          .inputs = {{1, {n}, -0.5f, 0.5f, false}, {2, {BATCH * LEN, 8}, -1, 1, false}},
                          .step = 1e-3f, .tol = 3e-3f};
    CU_ASSERT_TRUE(gradcheck(&s, NULL));
    tiny_model_free(&tm);
}

static void test_language_model_loss_gradient_for_every_parameter(void)
{
    tiny_model_t tm;
    tiny_model_create(&tm);
    int n = (int)tm.m.params.total;
    gradcheck_spec_t s = {.name = "language model loss", .forward = fw_model_loss, .ctx = &tm.m,
                          .n_inputs = 1, .inputs = {{1, {n}, -0.5f, 0.5f, false}},
                          .step = 1e-3f, .tol = 3e-3f};
    CU_ASSERT_TRUE(gradcheck(&s, NULL));
    tiny_model_free(&tm);
}

static void test_autoencoder_gradient_for_every_parameter(void)
{
    tiny_model_t tm;
    tiny_model_create_of(&tm, "delta_net_4layer", true);
    CU_ASSERT_TRUE(params_find(&tm.m.params, "decoder.out.bias") >= 0);
    CU_ASSERT_TRUE(params_find(&tm.m.params, "head.weight") < 0);
    int n = (int)tm.m.params.total;
    gradcheck_spec_t s = {.name = "autoencoder logits", .forward = fw_model_logits, .ctx = &tm.m,
                          .n_inputs = 1, .inputs = {{1, {n}, -0.5f, 0.5f, false}},
                          .step = 1e-3f, .tol = 3e-3f};
    CU_ASSERT_TRUE(gradcheck(&s, NULL));
    tiny_model_free(&tm);
}

static void test_parameter_names_and_shapes_follow_the_spec(void)
{
    model_t m;
    model_config_t c;
    model_config_default(&c, variant_find("delta_net_4layer"), 16);
    CU_ASSERT_EQUAL_FATAL(model_create(&m, &c), 0);
    const params_t *p = &m.params;
    struct { const char *name; int ndim, s0, s1; } want[] = {
        {"embedding.weight", 2, 16, 128}, {"layers.0.norm.weight", 1, 128, 0},
        {"layers.0.mixer.q_proj.weight", 2, 128, 128}, {"layers.2.mixer.b_proj.weight", 2, 4, 128},
        {"layers.2.mixer.v_conv.weight", 2, 128, 4}, {"layers.0.mixer.o_norm.weight", 1, 32, 0},
        {"layers.1.mlp.w1.weight", 2, 352, 128}, {"layers.3.mlp.w3.weight", 2, 128, 352},
        {"final_norm.weight", 1, 128, 0}, {"head.weight", 2, 16, 128}, {"head.bias", 1, 16, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int k = params_find(p, want[i].name);
        CU_ASSERT_TRUE_FATAL(k >= 0);
        CU_ASSERT_EQUAL(p->info[k].ndim, want[i].ndim);
        CU_ASSERT_EQUAL(p->info[k].shape[0], want[i].s0);
        if (want[i].ndim == 2)
            CU_ASSERT_EQUAL(p->info[k].shape[1], want[i].s1);
    }
    /* model.md §3: 67,616 parameters per DeltaNet mixer */
    size_t mixer = 0;
    for (int i = 0; i < p->count; i++)
        if (strncmp(p->info[i].name, "layers.0.mixer.", 15) == 0)
            mixer += p->info[i].numel;
    CU_ASSERT_EQUAL(mixer, 67616);
    model_free(&m);
}

static void test_initialisation_depends_only_on_the_seed(void)
{
    model_t a, b;
    model_config_t c;
    model_config_default(&c, variant_find("delta_net_4layer"), 16);
    CU_ASSERT_EQUAL_FATAL(model_create(&a, &c), 0);
    CU_ASSERT_EQUAL_FATAL(model_create(&b, &c), 0);
    params_initialise(&a.params, 5);
    params_initialise(&b.params, 5);
    CU_ASSERT_EQUAL(memcmp(a.params.data, b.params.data, a.params.total * sizeof(float)), 0);
    params_initialise(&b.params, 6);
    CU_ASSERT_NOT_EQUAL(memcmp(a.params.data, b.params.data, a.params.total * sizeof(float)), 0);
    /* spot checks of model.md §5: norms start at 1, biases at 0, conv weights within +-0.5 */
    const params_t *p = &a.params;
    CU_ASSERT_EQUAL(p->data[p->info[params_find(p, "final_norm.weight")].offset], 1.0f);
    CU_ASSERT_EQUAL(p->data[p->info[params_find(p, "head.bias")].offset + 3], 0.0f);
    const param_info_t *conv = &p->info[params_find(p, "layers.0.mixer.q_conv.weight")];
    float lo = 1, hi = -1;
    for (size_t i = 0; i < conv->numel; i++) {
        float v = p->data[conv->offset + i];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    CU_ASSERT(lo >= -0.5f && hi <= 0.5f && hi - lo > 0.9f);
    model_free(&a);
    model_free(&b);
}

CUNIT_MAIN("model_gradcheck", CUNIT_TEST(test_delta_net_mixer_gradient),
           CUNIT_TEST(test_gated_delta_net_mixer_gradient), CUNIT_TEST(test_swiglu_gradient),
           CUNIT_TEST(test_language_model_with_gated_mixers_loss_gradient_for_every_parameter),
           CUNIT_TEST(test_language_model_loss_gradient_for_every_parameter),
           CUNIT_TEST(test_autoencoder_gradient_for_every_parameter),
           CUNIT_TEST(test_parameter_names_and_shapes_follow_the_spec),
           CUNIT_TEST(test_initialisation_depends_only_on_the_seed))
