/* The chunk loops and the registry: both loop forms equal their token-by-token recurrences, every
 * registered variant is blind to padding and has its gradient checked by finite differences with
 * no per-variant test code, and the registry holds the thirteen exact names (chunk-loop.md §1-6). */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gradcheck.h"
#include "loop_case.h"
#include "madsweep/error.h"
#include "madsweep/mixer.h"

/* The largest |chunk loop - token recurrence| over the outputs of c (in double). */
static double chunk_vs_token(const loop_case_t *c, bool gated, unsigned seed)
{
    float *in[LOOP_INPUTS];
    loop_case_inputs(c, seed, in);
    size_t n = (size_t)c->batch * c->len * c->heads * c->dv;
    double *want = malloc(n * sizeof(double)), worst = 0.0;
    loop_case_token_recurrence(c, in, gated, want);
    float *got = loop_case_run(c, in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(got[i] - want[i]));
    loop_case_free(in);
    free(want), free(got);
    return worst;
}

static void test_chunk_loop_matches_token_recurrence(void)
{
    /* 70 tokens: two full chunks of 32 and a padded third */
    loop_case_t c = {2, 70, 3, 32, 32, 32, variant_find("delta_net_4layer"), NULL};
    double worst = chunk_vs_token(&c, false, 7);
    printf(" max |chunk - token| = %.3g ", worst);
    CU_ASSERT(worst <= 1e-5);
}

static void test_gated_chunk_loop_matches_token_recurrence(void)
{
    /* the gated mixer's head widths (d_k 32, d_v 64), decays alpha from 0.27 to 0.99 */
    loop_case_t c = {2, 70, 3, 32, 64, 32, variant_find("gated_delta_net_4layer"), NULL};
    double worst = chunk_vs_token(&c, true, 8);
    printf(" max |chunk - token| = %.3g ", worst);
    CU_ASSERT(worst <= 1e-5);
}

/* The first 50 tokens of a 64-token batch (no padding) against the same 50 alone (padded). */
static double padded_vs_unpadded(const variant_t *v)
{
    loop_case_t full = {2, 64, 2, 8, 8, 32, v, NULL}, part = full;
    part.len = 50;
    float *fin[LOOP_INPUTS], *pin[LOOP_INPUTS];
    loop_case_inputs(&full, 11, fin);
    loop_case_inputs(&part, 1, pin);
    for (int i = 0; i < LOOP_INPUTS; i++) { /* the second sequence of `part` starts at row 50 */
        int w = loop_case_width(&full, i);
        for (int s = 0; s < 2; s++)
            memcpy(pin[i] + (size_t)s * part.len * w, fin[i] + (size_t)s * full.len * w,
                   sizeof(float) * part.len * w);
    }
    float *o_full = loop_case_run(&full, fin), *o_part = loop_case_run(&part, pin);
    double worst = o_full && o_part ? 0.0 : INFINITY;
    int w = full.heads * full.dv;
    for (int s = 0; s < 2 && o_full && o_part; s++)
        for (int pos = 0; pos < part.len; pos++)
            for (int i = 0; i < w; i++)
                worst = fmax(worst, fabs(o_full[((size_t)s * full.len + pos) * w + i] -
                                         o_part[((size_t)s * part.len + pos) * w + i]));
    loop_case_free(fin), loop_case_free(pin);
    free(o_full), free(o_part);
    return worst;
}

static void test_padded_sequence_matches_unpadded_at_real_rows_for_every_variant(void)
{
    for (int i = 0; i < variant_count(); i++) {
        double worst = padded_vs_unpadded(variant_at(i));
        printf("\n  %-75s max |padded - unpadded| = %.3g", variant_at(i)->name, worst);
        CU_ASSERT(worst <= 1e-6);
    }
}

/* chunk-loop.md §6: L = 8, C = 4, d_k = 3, d_v = 2, and again with L = 7; every variant found
 * through the registry, with no per-variant test code. Gated variants get the log-decays too.
 * L = 13 adds four chunks: with two, an extra state (M, Vs) never reaches an output, and the
 * decay and momentum variants equal the baseline. The state updates #4-#6 bend sharply at these
 * shapes (G / sqrt(G*G + 1e-8) is a smoothed sign of G; a layernorm over d_v = 2 values is
 * +-1 save near a tie), so elements that fail at the first step are measured at finer ones. */
static void test_every_variant_gradient_on_tiny_shapes(void)
{
    int lens[] = {8, 7, 13};
    for (int i = 0; i < variant_count(); i++)
        for (int j = 0; j < 3; j++) {
            loop_case_t c = {2, lens[j], 2, 3, 2, 4, variant_at(i), NULL};
            int rows = c.batch * c.len;
            gradcheck_spec_t s = {.name = c.variant->name, .forward = loop_case_forward, .ctx = &c,
                                  .n_inputs = loop_case_n_inputs(&c), .step = 3e-3f, .tol = 3e-3f,
                                  .refine = 3};
            for (int k = 0; k < s.n_inputs; k++) /* logits of beta and g in [-2, 2], the rest [-1, 1] */
                s.inputs[k] = (gradcheck_input_t){2, {rows, loop_case_width(&c, k)}, k >= LOOP_BETA ? -2 : -1,
                                                  k >= LOOP_BETA ? 2 : 1, false};
            double worst;
            printf("\n  L = %d:\n", c.len);
            CU_ASSERT_TRUE(gradcheck(&s, &worst));
            printf("  worst err/(tol*max) %.3f\n", worst);
        }
}

/* The spec's table comes first, in its order; variants added later follow it. */
static void test_registry_holds_the_thirteen_exact_names_in_table_order(void)
{
    static const char *const table[] = {
        "delta_net_4layer",
        "delta_net_4layer_decay_state_update_in_for_loop",
        "delta_net_4layer_momentum_state_update_in_for_loop",
        "delta_net_4layer_rmsprop_state_update_in_for_loop",
        "delta_net_4layer_adam_state_update_in_for_loop",
        "delta_net_4layer_layernorm_state_update_in_for_loop",
        "delta_net_4layer_error_gated_state_update_in_for_loop",
        "delta_net_4layer_softmax_attention_in_for_loop",
        "delta_net_4layer_cosine_softmax_attention_in_for_loop",
        "delta_net_4layer_cosine_softmax_attention_error_gated_update_in_for_loop",
        "delta_net_4layer_sigmoid_similarity_gate_in_for_loop",
        "delta_net_4layer_add_local_softmax_attention_in_for_loop",
        "gated_delta_net_4layer",
    };
    CU_ASSERT_TRUE_FATAL(variant_count() >= 13);
    for (int i = 0; i < 13; i++) {
        CU_ASSERT_STRING_EQUAL(variant_at(i)->name, table[i]);
        CU_ASSERT_PTR_EQUAL(variant_find(table[i]), variant_at(i));
        CU_ASSERT_TRUE(variant_at(i)->description && strlen(variant_at(i)->description) > 0);
    }
}

static void test_every_constant_is_named_as_in_the_spec(void)
{
    static const char *const names[] = {"gamma", "mu", "rho", "eta", "eps", "beta1", "beta2", "temperature"};
    for (int i = 0; i < variant_count(); i++)
        for (int j = 0; j < variant_at(i)->n_constants; j++) {
            bool known = false;
            for (size_t n = 0; n < sizeof names / sizeof names[0]; n++)
                known = known || strcmp(variant_at(i)->constants[j].name, names[n]) == 0;
            CU_ASSERT_TRUE(known);
            CU_ASSERT_EQUAL(variant_constant_index(variant_at(i), variant_at(i)->constants[j].name), j);
        }
}

static void test_misspelt_variant_name_fails_with_the_known_names(void)
{
    ms_error_clear();
    CU_ASSERT_PTR_NULL(variant_find("delta_net_4layr"));
    const char *msg = ms_error_message();
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "unknown variant 'delta_net_4layr'"));
    for (int i = 0; i < variant_count(); i++) /* every name, the last one too (no truncation) */
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, variant_at(i)->name));
}

/* An overridden constant reaches the loop: the decay variant with gamma = 1 is the baseline. */
static void test_decay_constant_override_reaches_the_loop(void)
{
    const variant_t *decay = variant_find("delta_net_4layer_decay_state_update_in_for_loop");
    const double gamma_one[] = {1.0};
    loop_case_t base = {2, 20, 2, 4, 4, 4, variant_find("delta_net_4layer"), NULL};
    loop_case_t same = base, decayed = base;
    same.variant = decayed.variant = decay;
    same.constants = gamma_one;
    float *in[LOOP_INPUTS];
    loop_case_inputs(&base, 5, in);
    float *o_base = loop_case_run(&base, in), *o_same = loop_case_run(&same, in), *o_decay = loop_case_run(&decayed, in);
    CU_ASSERT_FATAL(o_base && o_same && o_decay);
    double same_diff = 0.0, decay_diff = 0.0;
    for (size_t i = 0; i < (size_t)base.batch * base.len * base.heads * base.dv; i++) {
        same_diff = fmax(same_diff, fabs(o_base[i] - o_same[i]));
        decay_diff = fmax(decay_diff, fabs(o_base[i] - o_decay[i]));
    }
    printf(" gamma = 1: %.3g, gamma = 0.95: %.3g ", same_diff, decay_diff);
    CU_ASSERT(same_diff == 0.0);
    CU_ASSERT(decay_diff > 1e-3);
    loop_case_free(in);
    free(o_base), free(o_same), free(o_decay);
}

CUNIT_MAIN("chunk_loop", CUNIT_TEST(test_chunk_loop_matches_token_recurrence),
           CUNIT_TEST(test_gated_chunk_loop_matches_token_recurrence),
           CUNIT_TEST(test_padded_sequence_matches_unpadded_at_real_rows_for_every_variant),
           CUNIT_TEST(test_every_variant_gradient_on_tiny_shapes),
           CUNIT_TEST(test_registry_holds_the_thirteen_exact_names_in_table_order),
           CUNIT_TEST(test_every_constant_is_named_as_in_the_spec),
           CUNIT_TEST(test_misspelt_variant_name_fails_with_the_known_names),
           CUNIT_TEST(test_decay_constant_override_reaches_the_loop))
