#include "loop_case.h"

#include <math.h>
#include <stdlib.h>

#include "madsweep/ops.h"
#include "madsweep/rng.h"

int loop_case_n_inputs(const loop_case_t *c)
{
    return c->variant->mixer == MIXER_GATED_DELTA_NET ? LOOP_INPUTS : LOOP_INPUTS - 1;
}

int loop_case_width(const loop_case_t *c, int i)
{
    return i <= LOOP_K ? c->heads * c->dk : i == LOOP_V ? c->heads * c->dv : c->heads;
}

tensor_t *loop_case_forward(tape_t *t, tensor_t **x, void *ctx)
{
    const loop_case_t *c = ctx;
    int h = c->heads, len = c->len, C = c->chunk;
    tensor_t *q = op_l2norm(t, op_to_chunks(t, x[LOOP_Q], 0, h, c->dk, len, C), 1e-6f);
    tensor_t *k = op_l2norm(t, op_to_chunks(t, x[LOOP_K], 0, h, c->dk, len, C), 1e-6f);
    tensor_t *v = op_to_chunks(t, x[LOOP_V], 0, h, c->dv, len, C);
    tensor_t *beta = op_to_chunks(t, op_unary(t, x[LOOP_BETA], UNARY_SIGMOID), 0, h, 1, len, C);
    tensor_t *g = NULL;
    if (loop_case_n_inputs(c) > LOOP_G) {
        tensor_t *log_alpha = op_affine(t, op_unary(t, x[LOOP_G], UNARY_SOFTPLUS), -1.0f, 0.0f);
        g = op_to_chunks(t, log_alpha, 0, h, 1, len, C);
    }
    if (!q || !k || !v || !beta)
        return NULL;
    int n = q->shape[0];
    tensor_t **o = arena_alloc(&t->arena, (size_t)n * sizeof *o);
    double defaults[VARIANT_MAX_CONSTANTS];
    for (int i = 0; i < c->variant->n_constants; i++)
        defaults[i] = c->variant->constants[i].value;
    if (!o || variant_loop(t, c->variant, c->constants ? c->constants : defaults, q, k, v, beta, g, o) != 0)
        return NULL;
    return op_from_chunks(t, o, n, h, len);
}

void loop_case_inputs(const loop_case_t *c, unsigned seed, float *in[LOOP_INPUTS])
{
    /* beta logits in [-2, 2]; decay logits in [-5, 1]: alpha from about 0.27 to 0.99 */
    static const float lo[LOOP_INPUTS] = {-1, -1, -1, -2, -5}, hi[LOOP_INPUTS] = {1, 1, 1, 2, 1};
    rng_t r;
    rng_seed(&r, seed);
    size_t rows = (size_t)c->batch * c->len;
    for (int i = 0; i < LOOP_INPUTS; i++) {
        size_t n = rows * loop_case_width(c, i);
        in[i] = malloc(n * sizeof(float));
        for (size_t j = 0; j < n; j++)
            in[i][j] = lo[i] + (hi[i] - lo[i]) * (float)rng_uniform(&r);
    }
}

void loop_case_free(float *in[LOOP_INPUTS])
{
    for (int i = 0; i < LOOP_INPUTS; i++)
        free(in[i]);
}

float *loop_case_run(const loop_case_t *c, float *const in[LOOP_INPUTS])
{
    tape_t t;
    tape_init(&t);
    t.recording = false;
    tensor_t *x[LOOP_INPUTS];
    for (int i = 0; i < LOOP_INPUTS; i++)
        x[i] = tensor_wrap(&t, in[i], NULL, 2, (int[]){c->batch * c->len, loop_case_width(c, i)});
    tensor_t *o = loop_case_forward(&t, x, (void *)c);
    float *out = NULL;
    if (o && (out = malloc(o->numel * sizeof(float))))
        for (size_t i = 0; i < o->numel; i++)
            out[i] = o->data[i];
    tape_free(&t);
    return out;
}

/* Head h of token row `row` of input i, l2-normalised when asked, as doubles. */
static void head_of(const loop_case_t *c, float *const in[LOOP_INPUTS], int i, size_t row, int h,
                    bool normalise, double *x)
{
    int d = i == LOOP_V ? c->dv : c->dk, w = loop_case_width(c, i);
    double ss = 0.0;
    for (int j = 0; j < d; j++) {
        x[j] = in[i][row * w + (size_t)h * d + j];
        ss += x[j] * x[j];
    }
    for (int j = 0; normalise && j < d; j++)
        x[j] /= sqrt(ss + 1e-6);
}

void loop_case_token_recurrence(const loop_case_t *c, float *const in[LOOP_INPUTS], bool gated, double *out)
{
    int dk = c->dk, dv = c->dv, wv = c->heads * dv;
    double *S = malloc(sizeof(double) * dk * dv), *q = malloc(sizeof(double) * dk),
           *k = malloc(sizeof(double) * dk), *v = malloc(sizeof(double) * dv);
    for (int b = 0; b < c->batch; b++)
        for (int h = 0; h < c->heads; h++) {
            for (int i = 0; i < dk * dv; i++)
                S[i] = 0.0;
            for (int pos = 0; pos < c->len; pos++) {
                size_t row = (size_t)b * c->len + pos, hr = row * c->heads + h;
                head_of(c, in, LOOP_Q, row, h, true, q);
                head_of(c, in, LOOP_K, row, h, true, k);
                head_of(c, in, LOOP_V, row, h, false, v);
                double beta = 1.0 / (1.0 + exp(-(double)in[LOOP_BETA][hr]));
                double alpha = gated ? 1.0 / (1.0 + exp((double)in[LOOP_G][hr])) : 1.0; /* exp(-softplus) */
                for (int i = 0; i < dk * dv; i++)
                    S[i] *= alpha; /* S' = alpha S */
                for (int j = 0; j < dv; j++) { /* S = S' + beta k (v - S'^T k)^T */
                    double pred = 0.0;
                    for (int i = 0; i < dk; i++)
                        pred += S[i * dv + j] * k[i];
                    for (int i = 0; i < dk; i++)
                        S[i * dv + j] += k[i] * beta * (v[j] - pred);
                }
                for (int j = 0; j < dv; j++) { /* o = S^T q */
                    double o = 0.0;
                    for (int i = 0; i < dk; i++)
                        o += S[i * dv + j] * q[i];
                    out[row * wv + h * dv + j] = o;
                }
            }
        }
    free(S), free(q), free(k), free(v);
}
