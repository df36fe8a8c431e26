#include "gradcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/rng.h"

typedef struct checker {
    const gradcheck_spec_t *spec;
    float *data[GRADCHECK_MAX_INPUTS];
    size_t numel[GRADCHECK_MAX_INPUTS];
    float *weights; /* R, shaped like the output */
    size_t out_numel;
    tape_t tape;
} checker_t;

/* Runs the forward on fresh wrappers of the inputs; grads[i] != NULL asks for a gradient. */
static tensor_t *run_forward(checker_t *c, float **grads)
{
    const gradcheck_spec_t *s = c->spec;
    tensor_t *in[GRADCHECK_MAX_INPUTS];
    tape_reset(&c->tape);
    c->tape.recording = grads != NULL;
    for (int i = 0; i < s->n_inputs; i++)
        in[i] = tensor_wrap(&c->tape, c->data[i], grads ? grads[i] : NULL, s->inputs[i].ndim,
                            s->inputs[i].shape);
    return s->forward(&c->tape, in, s->ctx);
}

static double weighted_sum(checker_t *c)
{
    tensor_t *out = run_forward(c, NULL);
    if (!out)
        return NAN;
    double acc = 0.0;
    for (size_t i = 0; i < out->numel; i++)
        acc += (double)out->data[i] * c->weights[i];
    return acc;
}

/* d f / d input[i][j] by central differences with step h. */
static double central_difference(checker_t *c, int i, size_t j, float h)
{
    float keep = c->data[i][j];
    c->data[i][j] = keep + h;
    double fp = weighted_sum(c);
    c->data[i][j] = keep - h;
    double fm = weighted_sum(c);
    c->data[i][j] = keep;
    return (fp - fm) / (2.0 * h);
}

bool gradcheck(const gradcheck_spec_t *s, double *worst_ratio)
{
    checker_t c = {.spec = s};
    rng_t r;
    rng_seed(&r, s->seed ? s->seed : 1234);
    tape_init(&c.tape);
    float *grads[GRADCHECK_MAX_INPUTS] = {0};
    for (int i = 0; i < s->n_inputs; i++) {
        const gradcheck_input_t *in = &s->inputs[i];
        c.numel[i] = 1;
        for (int d = 0; d < in->ndim; d++)
            c.numel[i] *= (size_t)in->shape[d];
        c.data[i] = malloc(c.numel[i] * sizeof(float));
        if (!in->no_grad)
            grads[i] = calloc(c.numel[i], sizeof(float));
        for (size_t j = 0; j < c.numel[i]; j++)
            c.data[i][j] = in->lo + (in->hi - in->lo) * (float)rng_uniform(&r);
    }
    bool ok = true;
    double worst = 0.0;
    tensor_t *out = run_forward(&c, grads);
    if (!out) {
        printf("  %s: forward failed: %s\n", s->name, tape_status(&c.tape) ? "tape error" : "NULL");
        ok = false;
        goto done;
    }
    c.out_numel = out->numel;
    c.weights = malloc(out->numel * sizeof(float));
    for (size_t j = 0; j < out->numel; j++)
        c.weights[j] = (float)(2.0 * rng_uniform(&r) - 1.0);
    if (tape_backward_seeded(&c.tape, out, c.weights) != 0) {
        printf("  %s: backward failed\n", s->name);
        ok = false;
        goto done;
    }
    for (int i = 0; i < s->n_inputs; i++) {
        if (!grads[i])
            continue;
        double *num = malloc(c.numel[i] * sizeof(double)), max_num = 0.0;
        for (size_t j = 0; j < c.numel[i]; j++) {
            num[j] = central_difference(&c, i, j, s->step);
            if (fabs(num[j]) > max_num)
                max_num = fabs(num[j]);
        }
        double scale = s->tol * (max_num > 1e-12 ? max_num : 1e-12), max_err = 0.0;
        size_t worst_j = 0;
        int refined = 0;
        for (size_t j = 0; j < c.numel[i]; j++) {
            double err = fabs(num[j] - grads[i][j]);
            float h = s->step;
            for (int r = 0; r < s->refine && !(err <= 0.5 * scale); r++, refined++) {
                h /= 3.0f;
                err = fmin(err, fabs(central_difference(&c, i, j, h) - grads[i][j]));
            }
            if (!(err <= max_err)) { /* also catches NaN */
                max_err = err;
                worst_j = j;
            }
        }
        free(num);
        double ratio = max_err / scale;
        if (!(ratio <= 1.0))
            ok = false;
        if (!(ratio <= worst))
            worst = ratio;
        printf("  %-40s input %d: max|err| %.3g, max|grad| %.3g, err/(tol*max) %.3f at %zu%s", s->name, i,
               max_err, max_num, ratio, worst_j, ratio <= 1.0 ? "" : "  FAIL");
        if (refined)
            printf(" (%d finer steps)", refined);
        printf("\n");
    }
done:
    if (worst_ratio)
        *worst_ratio = worst;
    for (int i = 0; i < s->n_inputs; i++) {
        free(c.data[i]);
        free(grads[i]);
    }
    free(c.weights);
    tape_free(&c.tape);
    return ok;
}
