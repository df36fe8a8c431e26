/* Every primitive op against central finite differences on tiny random shapes. Step h and
 * tolerance are stated per op; all ops here are smooth on the sampled domains. */
#include <CUnit/CUnit.h>

#include "cunit_main.h"
#include "gradcheck.h"
#include "madsweep/ops.h"

static const float STEP = 1e-2f, TOL = 2e-3f;

#define IN(...) {.ndim = sizeof((int[]){__VA_ARGS__}) / sizeof(int), .shape = {__VA_ARGS__}, .lo = -1.0f, .hi = 1.0f}

/* CHECK(name, forward, ctx, inputs...) with the default step and tolerance */
#define CHECK(name_, fw_, ctx_, ...)                                                              \
    check((gradcheck_spec_t){.name = name_, .forward = fw_, .ctx = ctx_,                          \
                             .n_inputs = sizeof((gradcheck_input_t[]){__VA_ARGS__}) /             \
                                         sizeof(gradcheck_input_t),                               \
                             .inputs = {__VA_ARGS__}})

static void check(gradcheck_spec_t s)
{
    if (!s.step)
        s.step = STEP;
    if (!s.tol)
        s.tol = TOL;
    CU_ASSERT_TRUE(gradcheck(&s, NULL));
}

static tensor_t *fw_linear(tape_t *t, tensor_t **x, void *ctx) { (void)ctx; return op_linear(t, x[0], x[1], x[2]); }
static tensor_t *fw_linear_nobias(tape_t *t, tensor_t **x, void *ctx) { (void)ctx; return op_linear(t, x[0], x[1], NULL); }

static void test_linear_gradient(void)
{
    CHECK("linear", fw_linear, NULL, IN(2, 3, 5), IN(4, 5), IN(4));
    CHECK("linear without bias", fw_linear_nobias, NULL, IN(6, 5), IN(3, 5));
}

typedef struct { bool ta, tb; } bmm_ctx_t;
static tensor_t *fw_bmm(tape_t *t, tensor_t **x, void *ctx)
{
    bmm_ctx_t *c = ctx;
    return op_bmm(t, x[0], x[1], c->ta, c->tb);
}

static void test_bmm_gradient_all_transposes(void)
{
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            bmm_ctx_t c = {ta, tb};
            gradcheck_input_t a = ta ? (gradcheck_input_t)IN(3, 4, 2) : (gradcheck_input_t)IN(3, 2, 4);
            gradcheck_input_t b = tb ? (gradcheck_input_t)IN(3, 5, 4) : (gradcheck_input_t)IN(3, 4, 5);
            CHECK("bmm", fw_bmm, &c, a, b);
        }
}

static void test_bmm_gradient_shared_right_operand(void)
{
    bmm_ctx_t c = {false, true};
    CHECK("bmm shared b", fw_bmm, &c, IN(3, 2, 4), IN(5, 4));
}

static tensor_t *fw_add(tape_t *t, tensor_t **x, void *c) { (void)c; return op_add(t, x[0], x[1]); }
static tensor_t *fw_sub(tape_t *t, tensor_t **x, void *c) { (void)c; return op_sub(t, x[0], x[1]); }
static tensor_t *fw_mul(tape_t *t, tensor_t **x, void *c) { (void)c; return op_mul(t, x[0], x[1]); }
static tensor_t *fw_div(tape_t *t, tensor_t **x, void *c) { (void)c; return op_div(t, x[0], x[1]); }
static tensor_t *fw_square(tape_t *t, tensor_t **x, void *c) { (void)c; return op_mul(t, x[0], x[0]); }
static tensor_t *fw_affine(tape_t *t, tensor_t **x, void *c) { (void)c; return op_affine(t, x[0], -1.7f, 0.3f); }

static void test_binary_gradients(void)
{
    CHECK("add", fw_add, NULL, IN(3, 4), IN(3, 4));
    CHECK("sub", fw_sub, NULL, IN(3, 4), IN(3, 4));
    CHECK("mul", fw_mul, NULL, IN(3, 4), IN(3, 4));
    gradcheck_input_t away_from_zero = {2, {3, 4}, 0.5f, 2.0f, false};
    CHECK("div", fw_div, NULL, IN(3, 4), away_from_zero);
}

static void test_same_tensor_twice_accumulates_both_terms(void)
{
    CHECK("mul(x, x)", fw_square, NULL, IN(3, 4));
}

static void test_affine_gradient(void) { CHECK("affine", fw_affine, NULL, IN(2, 5)); }

static tensor_t *fw_unary(tape_t *t, tensor_t **x, void *c) { return op_unary(t, x[0], *(unary_kind_t *)c); }

static void test_unary_gradients(void)
{
    unary_kind_t kinds[] = {UNARY_SILU, UNARY_SIGMOID, UNARY_EXP, UNARY_GELU, UNARY_SOFTPLUS};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        gradcheck_input_t wide = {2, {4, 5}, -3.0f, 3.0f, false};
        CHECK("unary", fw_unary, &kinds[i], wide);
    }
    unary_kind_t sq = UNARY_SQRT;
    gradcheck_input_t positive = {2, {4, 5}, 0.5f, 2.0f, false};
    CHECK("sqrt", fw_unary, &sq, positive);
}

static void test_softplus_threshold_region(void)
{
    /* above 20 softplus is the identity; its slope must be 1 there too */
    unary_kind_t k = UNARY_SOFTPLUS;
    gradcheck_input_t big = {1, {6}, 21.0f, 30.0f, false};
    CHECK("softplus > 20", fw_unary, &k, big);
}

static tensor_t *fw_swiglu(tape_t *t, tensor_t **x, void *c) { (void)c; return op_swiglu(t, x[0]); }

static void test_swiglu_gate_gradient(void)
{
    gradcheck_input_t wide = {3, {2, 3, 8}, -3.0f, 3.0f, false};
    CHECK("swiglu", fw_swiglu, NULL, wide);
}

static tensor_t *fw_scale_rows(tape_t *t, tensor_t **x, void *c) { (void)c; return op_scale_rows(t, x[0], x[1]); }

static void test_scale_rows_gradient(void)
{
    CHECK("scale_rows", fw_scale_rows, NULL, IN(2, 3, 4), IN(2, 3));
    CHECK("scale_rows per matrix", fw_scale_rows, NULL, IN(2, 3, 4), IN(2));
}

static tensor_t *fw_scale_cols(tape_t *t, tensor_t **x, void *c) { (void)c; return op_scale_cols(t, x[0], x[1]); }
static tensor_t *fw_slice_cols(tape_t *t, tensor_t **x, void *c) { (void)c; return op_slice_cols(t, x[0], 1, 3); }
static tensor_t *fw_row_norm(tape_t *t, tensor_t **x, void *c) { (void)c; return op_row_norm(t, x[0], 1e-6f); }

static void test_scale_cols_gradient(void) { CHECK("scale_cols", fw_scale_cols, NULL, IN(2, 3, 4), IN(4)); }

static void test_slice_cols_gradient(void) { CHECK("slice_cols", fw_slice_cols, NULL, IN(2, 3, 5)); }

/* step 3e-3 as for the other norms: the curvature grows like 1 / |x| */
static void test_row_norm_gradient(void)
{
    check((gradcheck_spec_t){.name = "row_norm", .forward = fw_row_norm, .n_inputs = 1, .inputs = {IN(4, 3)}, .step = 3e-3f});
}

static tensor_t *fw_cumsum(tape_t *t, tensor_t **x, void *c) { (void)c; return op_cumsum(t, x[0]); }
static tensor_t *fw_decay_matrix(tape_t *t, tensor_t **x, void *c) { (void)c; return op_decay_matrix(t, x[0]); }
/* as the gated loop uses them: running sums of negative log-decays, then the decay matrix */
static tensor_t *fw_gated_decays(tape_t *t, tensor_t **x, void *c)
{
    (void)c;
    return op_decay_matrix(t, op_cumsum(t, op_affine(t, op_unary(t, x[0], UNARY_SOFTPLUS), -1.0f, 0.0f)));
}

static void test_log_decay_gradients(void)
{
    CHECK("cumsum", fw_cumsum, NULL, IN(2, 3, 5));
    CHECK("decay_matrix", fw_decay_matrix, NULL, IN(2, 3, 4));
    CHECK("decay_matrix(cumsum(-softplus))", fw_gated_decays, NULL, IN(3, 5));
}

static tensor_t *fw_rmsnorm(tape_t *t, tensor_t **x, void *c) { (void)c; return op_rmsnorm(t, x[0], x[1], 1e-5f); }
static tensor_t *fw_l2norm(tape_t *t, tensor_t **x, void *c) { (void)c; return op_l2norm(t, x[0], 1e-6f); }
static tensor_t *fw_layernorm(tape_t *t, tensor_t **x, void *c) { (void)c; return op_layernorm(t, x[0], 1e-5f); }

static void test_norm_gradients(void)
{
    check((gradcheck_spec_t){.name = "rmsnorm", .forward = fw_rmsnorm, .ctx = NULL, .n_inputs = 2, .inputs = {IN(3, 6), IN(6)}, .step = 3e-3f});
    check((gradcheck_spec_t){.name = "l2norm", .forward = fw_l2norm, .ctx = NULL, .n_inputs = 1, .inputs = {IN(4, 3)}, .step = 3e-3f});
    check((gradcheck_spec_t){.name = "layernorm", .forward = fw_layernorm, .ctx = NULL, .n_inputs = 1, .inputs = {IN(4, 5)}, .step = 3e-3f});
}

typedef struct { bool strict; } tril_ctx_t;
static tensor_t *fw_tril(tape_t *t, tensor_t **x, void *c) { return op_tril(t, x[0], ((tril_ctx_t *)c)->strict, -0.7f); }
static tensor_t *fw_softmax(tape_t *t, tensor_t **x, void *c) { (void)c; return op_softmax_causal(t, x[0]); }
/* the inverse is fed a strictly lower matrix, as the chunk loop does */
static tensor_t *fw_inverse(tape_t *t, tensor_t **x, void *c)
{
    (void)c;
    return op_unit_tril_inverse(t, op_tril(t, x[0], true, 1.0f));
}

static void test_triangular_gradients(void)
{
    tril_ctx_t strict = {true}, incl = {false};
    CHECK("tril strict", fw_tril, &strict, IN(2, 4, 4));
    CHECK("tril inclusive", fw_tril, &incl, IN(2, 4, 4));
    gradcheck_input_t wide = {3, {2, 5, 5}, -3.0f, 3.0f, false};
    CHECK("softmax_causal", fw_softmax, NULL, wide);
    CHECK("unit_tril_inverse", fw_inverse, NULL, IN(3, 5, 5));
}

static int32_t ids[] = {2, 0, 2, 3, 1, 2};
static tensor_t *fw_gather_rows(tape_t *t, tensor_t **x, void *c) { (void)c; return op_gather_rows(t, x[0], ids, 6); }

static void test_gather_rows_gradient_with_repeated_rows(void)
{
    CHECK("embedding", fw_gather_rows, NULL, IN(4, 3));
}

static tensor_t *fw_conv4(tape_t *t, tensor_t **x, void *c) { (void)c; return op_conv4(t, x[0], x[1], 5); }

static void test_conv4_gradient_across_sequence_boundaries(void)
{
    /* two sequences of 5 tokens: the second must not see the first */
    CHECK("conv4", fw_conv4, NULL, IN(10, 3), IN(3, 4));
}

static tensor_t *fw_chunks_round_trip(tape_t *t, tensor_t **x, void *c)
{
    (void)c; /* 2 sequences of 5 tokens, 2 heads of 3 from column 1, chunk 2 -> 3 chunks */
    tensor_t *ch = op_to_chunks(t, x[0], 1, 2, 3, 5, 2);
    tensor_t *parts[3];
    for (int n = 0; n < 3; n++) /* make each chunk a distinct function of the input */
        parts[n] = op_affine(t, tensor_view(t, ch, (size_t)n * 4 * 2 * 3, 3, (int[]){4, 2, 3}),
                             1.0f + (float)n, 0.0f);
    return op_from_chunks(t, parts, 3, 2, 5);
}

static void test_chunk_layout_gradient(void)
{
    CHECK("to_chunks/from_chunks", fw_chunks_round_trip, NULL, IN(10, 8));
}

static int32_t targets[] = {1, -100, 0, 3, -100, 2};
static tensor_t *fw_ce(tape_t *t, tensor_t **x, void *c) { (void)c; return op_cross_entropy(t, x[0], targets, 0.25f); }

static void test_cross_entropy_gradient_skips_ignored(void)
{
    gradcheck_input_t wide = {2, {6, 4}, -3.0f, 3.0f, false};
    CHECK("cross_entropy", fw_ce, NULL, wide);
}

/* The checker itself must be able to fail: a wrong sign and a missing term in a backward. */
static void wrong_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *a = nd->in[0], *b = nd->in[1];
    const float *dy = tensor_grad(t, nd->out);
    float *da = tensor_grad(t, a), *db = tensor_grad(t, b);
    for (size_t i = 0; i < a->numel; i++) {
        da[i] += (nd->i[0] ? -1.0f : 1.0f) * dy[i] * b->data[i]; /* i[0]: flip the sign */
        if (!nd->i[1])                                            /* i[1]: drop db */
            db[i] += dy[i] * a->data[i];
    }
}

typedef struct { int flip_sign, drop_term; } wrong_ctx_t;
static tensor_t *fw_wrong_mul(tape_t *t, tensor_t **x, void *ctx)
{
    const wrong_ctx_t *w = ctx;
    tensor_t *y = op_output(t, x[0]->ndim, x[0]->shape, x, 2);
    for (size_t i = 0; i < y->numel; i++)
        y->data[i] = x[0]->data[i] * x[1]->data[i];
    tape_node_t *nd = tape_push(t, "wrong_mul", wrong_backward, y);
    if (nd) {
        nd->in[0] = x[0];
        nd->in[1] = x[1];
        nd->i[0] = w->flip_sign;
        nd->i[1] = w->drop_term;
    }
    return y;
}

static bool check_wrong_mul(wrong_ctx_t w)
{
    gradcheck_spec_t s = {.name = "deliberately wrong mul", .forward = fw_wrong_mul, .ctx = &w,
                          .n_inputs = 2, .inputs = {IN(3, 4), IN(3, 4)}, .step = STEP, .tol = TOL};
    return gradcheck(&s, NULL);
}

static void test_gradcheck_passes_a_correct_backward(void) { CU_ASSERT_TRUE(check_wrong_mul((wrong_ctx_t){0, 0})); }
static void test_gradcheck_detects_a_wrong_sign(void) { CU_ASSERT_FALSE(check_wrong_mul((wrong_ctx_t){1, 0})); }
static void test_gradcheck_detects_a_missing_term(void) { CU_ASSERT_FALSE(check_wrong_mul((wrong_ctx_t){0, 1})); }

/* Finer steps for sharp bends (gradcheck_spec_t.refine) must not let a wrong backward through. */
static void test_gradcheck_with_finer_steps_still_detects_a_wrong_sign(void)
{
    wrong_ctx_t w = {1, 0};
    gradcheck_spec_t s = {.name = "deliberately wrong mul, refined", .forward = fw_wrong_mul, .ctx = &w,
                          .n_inputs = 2, .inputs = {IN(3, 4), IN(3, 4)}, .step = STEP, .tol = TOL, .refine = 3};
    CU_ASSERT_FALSE(gradcheck(&s, NULL));
}

CUNIT_MAIN("ops_gradcheck",
           CUNIT_TEST(test_linear_gradient), CUNIT_TEST(test_bmm_gradient_all_transposes),
           CUNIT_TEST(test_bmm_gradient_shared_right_operand), CUNIT_TEST(test_binary_gradients),
           CUNIT_TEST(test_same_tensor_twice_accumulates_both_terms), CUNIT_TEST(test_affine_gradient),
           CUNIT_TEST(test_unary_gradients), CUNIT_TEST(test_softplus_threshold_region),
           CUNIT_TEST(test_swiglu_gate_gradient), CUNIT_TEST(test_scale_rows_gradient),
           CUNIT_TEST(test_scale_cols_gradient), CUNIT_TEST(test_slice_cols_gradient), CUNIT_TEST(test_row_norm_gradient),
           CUNIT_TEST(test_log_decay_gradients), CUNIT_TEST(test_norm_gradients),
           CUNIT_TEST(test_triangular_gradients), CUNIT_TEST(test_gather_rows_gradient_with_repeated_rows),
           CUNIT_TEST(test_conv4_gradient_across_sequence_boundaries), CUNIT_TEST(test_chunk_layout_gradient),
           CUNIT_TEST(test_cross_entropy_gradient_skips_ignored), CUNIT_TEST(test_gradcheck_passes_a_correct_backward), CUNIT_TEST(test_gradcheck_detects_a_wrong_sign),
           CUNIT_TEST(test_gradcheck_detects_a_missing_term),
           CUNIT_TEST(test_gradcheck_with_finer_steps_still_detects_a_wrong_sign))
