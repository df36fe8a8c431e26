/* The Gated DeltaNet model's parameters (model.md §4-5): the names and shapes the probe files and
 * the PyTorch reference use, the per-mixer count, and the initialisation of A_log and dt_bias. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

#include "cunit_main.h"
#include "madsweep/model.h"

static void gated_model(model_t *m)
{
    model_config_t c;
    model_config_default(&c, variant_find("gated_delta_net_4layer"), 16);
    CU_ASSERT_EQUAL_FATAL(model_create(m, &c), 0);
}

static void test_gated_mixer_parameter_names_and_shapes_follow_the_spec(void)
{
    model_t m;
    gated_model(&m);
    struct { const char *name; int ndim, s0, s1; } want[] = {
        {"q_proj.weight", 2, 128, 128}, {"k_proj.weight", 2, 128, 128}, {"v_proj.weight", 2, 256, 128},
        {"b_proj.weight", 2, 4, 128},   {"a_proj.weight", 2, 4, 128},   {"A_log", 1, 4, 0},
        {"dt_bias", 1, 4, 0},           {"g_proj.weight", 2, 256, 128}, {"q_conv.weight", 2, 128, 4},
        {"k_conv.weight", 2, 128, 4},   {"v_conv.weight", 2, 256, 4},   {"o_norm.weight", 1, 64, 0},
        {"o_proj.weight", 2, 128, 256},
    };
    size_t n_want = sizeof want / sizeof want[0];
    for (int layer = 0; layer <= 2; layer += 2)
        for (size_t i = 0; i < n_want; i++) {
            char name[PARAM_NAME_MAX];
            snprintf(name, sizeof name, "layers.%d.mixer.%s", layer, want[i].name);
            int k = params_find(&m.params, name);
            CU_ASSERT_TRUE_FATAL(k >= 0);
            CU_ASSERT_EQUAL(m.params.info[k].ndim, want[i].ndim);
            CU_ASSERT_EQUAL(m.params.info[k].shape[0], want[i].s0);
            if (want[i].ndim == 2)
                CU_ASSERT_EQUAL(m.params.info[k].shape[1], want[i].s1);
        }
    /* nothing else in a mixer: 2*128*128 + 2*256*128 + 2*4*128 + 4 + 4 + 2*128*4 + 256*4 + 64 + 128*256 */
    size_t mixer = 0, count = 0;
    for (int i = 0; i < m.params.count; i++)
        if (strncmp(m.params.info[i].name, "layers.0.mixer.", 15) == 0)
            mixer += m.params.info[i].numel, count++;
    CU_ASSERT_EQUAL(count, n_want);
    CU_ASSERT_EQUAL(mixer, 134216);
    CU_ASSERT_TRUE(params_find(&m.params, "layers.1.mlp.w1.weight") >= 0);
    model_free(&m);
}

static void test_gated_decay_parameters_start_as_model_md_says(void)
{
    model_t m;
    gated_model(&m);
    params_initialise(&m.params, 3);
    const params_t *p = &m.params;
    for (int layer = 0; layer <= 2; layer += 2) {
        char name[PARAM_NAME_MAX];
        snprintf(name, sizeof name, "layers.%d.mixer.A_log", layer);
        const param_info_t *a = &p->info[params_find(p, name)];
        snprintf(name, sizeof name, "layers.%d.mixer.dt_bias", layer);
        const param_info_t *dt = &p->info[params_find(p, name)];
        for (size_t i = 0; i < a->numel; i++) {
            /* A = exp(A_log) in (0, 16], finite */
            double A = exp(p->data[a->offset + i]);
            CU_ASSERT_TRUE(isfinite(p->data[a->offset + i]) && A > 0.0 && A <= 16.0 * (1 + 1e-6));
            /* softplus(dt_bias) = dt in [0.001, 0.1] */
            double sp = log1p(exp(p->data[dt->offset + i]));
            CU_ASSERT_TRUE(sp >= 0.001 * (1 - 1e-4) && sp <= 0.1 * (1 + 1e-4));
        }
    }
    model_free(&m);
}

CUNIT_MAIN("gated_params", CUNIT_TEST(test_gated_mixer_parameter_names_and_shapes_follow_the_spec),
           CUNIT_TEST(test_gated_decay_parameters_start_as_model_md_says))
