#include "madsweep/params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"

void params_init_table(params_t *p) { memset(p, 0, sizeof *p); }

int params_add(params_t *p, const char *name, int ndim, const int *shape, param_init_t init,
               float a, float b)
{
    if (p->count == p->cap) {
        int cap = p->cap ? 2 * p->cap : 64;
        param_info_t *info = realloc(p->info, (size_t)cap * sizeof *info);
        if (!info)
            return ms_fail(MS_ERR_RUN, "out of memory for the parameter table"), -1;
        p->info = info;
        p->cap = cap;
    }
    param_info_t *pi = &p->info[p->count];
    memset(pi, 0, sizeof *pi);
    snprintf(pi->name, sizeof pi->name, "%s", name);
    pi->ndim = ndim;
    pi->numel = 1;
    for (int i = 0; i < ndim; i++) {
        pi->shape[i] = shape[i];
        pi->numel *= (size_t)shape[i];
    }
    pi->offset = p->total;
    pi->init = init;
    pi->a = a;
    pi->b = b;
    p->total += pi->numel;
    return p->count++;
}

int params_alloc(params_t *p)
{
    free(p->data);
    free(p->grad);
    p->data = malloc(p->total * sizeof(float));
    p->grad = calloc(p->total, sizeof(float));
    if (!p->data || !p->grad)
        return ms_fail(MS_ERR_RUN, "out of memory for %zu parameters", p->total);
    return MS_OK;
}

static float draw(const param_info_t *pi, rng_t *r)
{
    switch (pi->init) {
    case INIT_NORMAL:
        return (float)(pi->a * rng_normal(r));
    case INIT_UNIFORM:
        return (float)(pi->a + (pi->b - pi->a) * rng_uniform(r));
    case INIT_ONES:
        return 1.0f;
    case INIT_ZEROS:
        return 0.0f;
    case INIT_A_LOG: /* A from (a, b], not [a, b): with a = 0, log(A) stays finite */
        return (float)log(pi->b - (pi->b - pi->a) * rng_uniform(r));
    case INIT_DT_BIAS: {
        double dt = exp(rng_uniform(r) * (log(pi->b) - log(pi->a)) + log(pi->a));
        if (dt < 1e-4)
            dt = 1e-4;
        return (float)(dt + log(-expm1(-dt))); /* softplus^{-1}(dt) */
    }
    }
    return 0.0f;
}

void params_initialise(params_t *p, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed);
    for (int i = 0; i < p->count; i++) {
        const param_info_t *pi = &p->info[i];
        for (size_t j = 0; j < pi->numel; j++)
            p->data[pi->offset + j] = draw(pi, &r);
    }
}

int params_find(const params_t *p, const char *name)
{
    for (int i = 0; i < p->count; i++)
        if (strcmp(p->info[i].name, name) == 0)
            return i;
    return -1;
}

void params_zero_grad(params_t *p) { memset(p->grad, 0, p->total * sizeof(float)); }

tensor_t *params_tensor(tape_t *t, const params_t *p, int i)
{
    const param_info_t *pi = &p->info[i];
    return tensor_wrap(t, p->data + pi->offset, t->recording ? p->grad + pi->offset : NULL, pi->ndim,
                       pi->shape);
}

tensor_t *params_span(tape_t *t, const params_t *p, int first, int count)
{
    const param_info_t *pi = &p->info[first];
    int shape[TENSOR_MAX_DIMS];
    memcpy(shape, pi->shape, sizeof shape);
    for (int i = 1; i < count; i++) {
        const param_info_t *next = &p->info[first + i];
        if (next->ndim != pi->ndim || next->offset != pi->offset + (size_t)shape[0] * (pi->numel / pi->shape[0]) ||
            memcmp(next->shape + 1, pi->shape + 1, sizeof(int) * (size_t)(pi->ndim - 1)) != 0)
            return tape_fail(t, "params_span", "%s and %s are not adjacent parameters of one shape", pi->name,
                             next->name);
        shape[0] += next->shape[0];
    }
    return tensor_wrap(t, p->data + pi->offset, t->recording ? p->grad + pi->offset : NULL, pi->ndim, shape);
}

void params_free(params_t *p)
{
    free(p->info);
    free(p->data);
    free(p->grad);
    params_init_table(p);
}
