/* The chunk loop: equal to the token-by-token delta rule, blind to padding, and every
 * registered variant's gradient checked by finite differences (chunk-loop.md §1-3, §6). */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>

#include "cunit_main.h"
#include "gradcheck.h"
#include "madsweep/mixer.h"
#include "madsweep/ops.h"
#include "madsweep/rng.h"

typedef struct loop_case {
    int batch, len, heads, dk, dv, chunk;
    const variant_t *variant;
} loop_case_t;

/* inputs in token rows: q, k [B*L, H*dk], v [B*L, H*dv], beta logits [B*L, H] -> o [B*L, H*dv] */
static tensor_t *loop_forward(tape_t *t, tensor_t **x, void *ctx)
{
    const loop_case_t *c = ctx;
    tensor_t *q = op_l2norm(t, op_to_chunks(t, x[0], 0, c->heads, c->dk, c->len, c->chunk), 1e-6f);
    tensor_t *k = op_l2norm(t, op_to_chunks(t, x[1], 0, c->heads, c->dk, c->len, c->chunk), 1e-6f);
    tensor_t *v = op_to_chunks(t, x[2], 0, c->heads, c->dv, c->len, c->chunk);
    tensor_t *beta = op_to_chunks(t, op_unary(t, x[3], UNARY_SIGMOID), 0, c->heads, 1, c->len, c->chunk);
    if (!q || !k || !v || !beta)
        return NULL;
    int n = q->shape[0];
    tensor_t **o = arena_alloc(&t->arena, (size_t)n * sizeof *o);
    double constants[VARIANT_MAX_CONSTANTS];
    for (int i = 0; i < c->variant->n_constants; i++)
        constants[i] = c->variant->constants[i].value;
    if (chunk_loop(t, c->variant, constants, q, k, v, beta, o) != 0)
        return NULL;
    return op_from_chunks(t, o, n, c->heads, c->len);
}

static void fill(rng_t *r, float *x, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = lo + (hi - lo) * (float)rng_uniform(r);
}

/* The loop's output for random inputs, as a malloc'd [B*L, H*dv] array. */
static float *run_loop(const loop_case_t *c, const float *xq, const float *xk, const float *xv,
                       const float *xb)
{
    tape_t t;
    tape_init(&t);
    t.recording = false;
    int rows = c->batch * c->len;
    tensor_t *x[4] = {
        tensor_wrap(&t, (float *)xq, NULL, 2, (int[]){rows, c->heads * c->dk}),
        tensor_wrap(&t, (float *)xk, NULL, 2, (int[]){rows, c->heads * c->dk}),
        tensor_wrap(&t, (float *)xv, NULL, 2, (int[]){rows, c->heads * c->dv}),
        tensor_wrap(&t, (float *)xb, NULL, 2, (int[]){rows, c->heads}),
    };
    tensor_t *o = loop_forward(&t, x, (void *)c);
    float *out = NULL;
    if (o) {
        out = malloc(o->numel * sizeof(float));
        for (size_t i = 0; i < o->numel; i++)
            out[i] = o->data[i];
    }
    tape_free(&t);
    return out;
}

/* chunk-loop.md §3: S_t = S_{t-1} + beta_t k_t (v_t - S_{t-1}^T k_t)^T, o_t = S_t^T q_t, in double */
static void token_recurrence(const loop_case_t *c, const float *xq, const float *xk, const float *xv,
                             const float *xb, double *out)
{
    int dk = c->dk, dv = c->dv, w = c->heads * dk, wv = c->heads * dv;
    double *S = malloc(sizeof(double) * dk * dv), q[64], k[64];
    for (int b = 0; b < c->batch; b++)
        for (int h = 0; h < c->heads; h++) {
            for (int i = 0; i < dk * dv; i++)
                S[i] = 0.0;
            for (int pos = 0; pos < c->len; pos++) {
                size_t row = (size_t)b * c->len + pos;
                double nq = 0, nk = 0;
                for (int i = 0; i < dk; i++) {
                    q[i] = xq[row * w + h * dk + i];
                    k[i] = xk[row * w + h * dk + i];
                    nq += q[i] * q[i];
                    nk += k[i] * k[i];
                }
                for (int i = 0; i < dk; i++) {
                    q[i] /= sqrt(nq + 1e-6);
                    k[i] /= sqrt(nk + 1e-6);
                }
                double beta = 1.0 / (1.0 + exp(-(double)xb[row * c->heads + h]));
                for (int j = 0; j < dv; j++) {
                    double pred = 0.0;
                    for (int i = 0; i < dk; i++)
                        pred += S[i * dv + j] * k[i];
                    double err = beta * (xv[row * wv + h * dv + j] - pred);
                    for (int i = 0; i < dk; i++)
                        S[i * dv + j] += k[i] * err;
                }
                for (int j = 0; j < dv; j++) {
                    double o = 0.0;
                    for (int i = 0; i < dk; i++)
                        o += S[i * dv + j] * q[i];
                    out[row * wv + h * dv + j] = o;
                }
            }
        }
    free(S);
}

static void random_inputs(const loop_case_t *c, unsigned seed, float **q, float **k, float **v, float **b)
{
    rng_t r;
    rng_seed(&r, seed);
    size_t rows = (size_t)c->batch * c->len;
    *q = malloc(rows * c->heads * c->dk * sizeof(float));
    *k = malloc(rows * c->heads * c->dk * sizeof(float));
    *v = malloc(rows * c->heads * c->dv * sizeof(float));
    *b = malloc(rows * c->heads * sizeof(float));
    fill(&r, *q, rows * c->heads * c->dk, -1, 1);
    fill(&r, *k, rows * c->heads * c->dk, -1, 1);
    fill(&r, *v, rows * c->heads * c->dv, -1, 1);
    fill(&r, *b, rows * c->heads, -2, 2);
}

static void test_chunk_loop_matches_token_recurrence(void)
{
    /* 70 tokens: two full chunks of 32 and a padded third */
    loop_case_t c = {2, 70, 3, 32, 32, 32, variant_find("delta_net_4layer")};
    float *q, *k, *v, *b;
    random_inputs(&c, 7, &q, &k, &v, &b);
    size_t n = (size_t)c.batch * c.len * c.heads * c.dv;
    double *want = malloc(n * sizeof(double));
    token_recurrence(&c, q, k, v, b, want);
    float *got = run_loop(&c, q, k, v, b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    double worst = 0.0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(got[i] - want[i]));
    printf(" max |chunk - token| = %.3g ", worst);
    CU_ASSERT(worst <= 1e-5);
    free(q), free(k), free(v), free(b), free(want), free(got);
}

static void test_padded_sequence_matches_unpadded_at_real_rows(void)
{
    /* the first 50 tokens of a 64-token batch (no padding) against the same 50 alone (padded) */
    loop_case_t full = {2, 64, 2, 8, 8, 32, variant_find("delta_net_4layer")}, part = full;
    part.len = 50;
    float *q, *k, *v, *b;
    random_inputs(&full, 11, &q, &k, &v, &b);
    float *o_full = run_loop(&full, q, k, v, b);
    /* the second sequence of `part` must start at row 50: repack the inputs */
    float *pq, *pk, *pv, *pb;
    random_inputs(&part, 1, &pq, &pk, &pv, &pb);
    int w = full.heads * full.dk;
    for (int s = 0; s < 2; s++)
        for (int pos = 0; pos < part.len; pos++) {
            size_t src = (size_t)s * full.len + pos, dst = (size_t)s * part.len + pos;
            for (int i = 0; i < w; i++) {
                pq[dst * w + i] = q[src * w + i];
                pk[dst * w + i] = k[src * w + i];
                pv[dst * w + i] = v[src * w + i];
            }
            for (int h = 0; h < full.heads; h++)
                pb[dst * full.heads + h] = b[src * full.heads + h];
        }
    float *o_part = run_loop(&part, pq, pk, pv, pb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o_full);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o_part);
    double worst = 0.0;
    for (int s = 0; s < 2; s++)
        for (int pos = 0; pos < part.len; pos++)
            for (int i = 0; i < w; i++)
                worst = fmax(worst, fabs(o_full[((size_t)s * full.len + pos) * w + i] -
                                         o_part[((size_t)s * part.len + pos) * w + i]));
    printf(" max |padded - unpadded| = %.3g ", worst);
    CU_ASSERT(worst <= 1e-6);
    free(q), free(k), free(v), free(b), free(pq), free(pk), free(pv), free(pb), free(o_full), free(o_part);
}

/* chunk-loop.md §6: L = 8, C = 4, d_k = 3, d_v = 2, and again with L = 7; every variant found
 * through the registry, with no per-variant test code. */
static void test_every_variant_gradient_on_tiny_shapes(void)
{
    int lens[] = {8, 7};
    for (int i = 0; i < variant_count(); i++)
        for (int j = 0; j < 2; j++) {
            loop_case_t c = {2, lens[j], 2, 3, 2, 4, variant_at(i)};
            int rows = c.batch * c.len;
            gradcheck_spec_t s = {
                .name = c.variant->name, .forward = loop_forward, .ctx = &c, .n_inputs = 4,
                .inputs = {{2, {rows, c.heads * c.dk}, -1, 1, false}, {2, {rows, c.heads * c.dk}, -1, 1, false},
                           {2, {rows, c.heads * c.dv}, -1, 1, false}, {2, {rows, c.heads}, -2, 2, false}},
                .step = 3e-3f, .tol = 3e-3f};
            printf("\n  L = %d:\n", c.len);
            CU_ASSERT_TRUE(gradcheck(&s, NULL));
        }
}

CUNIT_MAIN("chunk_loop", CUNIT_TEST(test_chunk_loop_matches_token_recurrence),
           CUNIT_TEST(test_padded_sequence_matches_unpadded_at_real_rows),
           CUNIT_TEST(test_every_variant_gradient_on_tiny_shapes))
