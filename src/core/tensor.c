#include <stdio.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/tensor.h"

static tensor_t *tensor_header(tape_t *t, int ndim, const int *shape)
{
    if (t->status != MS_OK)
        return NULL;
    if (ndim < 1 || ndim > TENSOR_MAX_DIMS)
        return tape_fail(t, "tensor", "%d dimensions (1 to %d supported)", ndim, TENSOR_MAX_DIMS);
    tensor_t *x = arena_alloc(&t->arena, sizeof *x);
    if (!x)
        return tape_fail(t, "tensor", "%s", ms_error_message());
    memset(x, 0, sizeof *x);
    x->ndim = ndim;
    x->numel = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return tape_fail(t, "tensor", "negative dimension %d", shape[i]);
        x->shape[i] = shape[i];
        x->numel *= (size_t)shape[i];
    }
    return x;
}

tensor_t *tensor_new(tape_t *t, int ndim, const int *shape)
{
    tensor_t *x = tensor_header(t, ndim, shape);
    if (!x)
        return NULL;
    x->data = arena_alloc(&t->arena, x->numel * sizeof(float));
    if (!x->data)
        return tape_fail(t, "tensor", "%s", ms_error_message());
    return x;
}

tensor_t *tensor_zeros(tape_t *t, int ndim, const int *shape)
{
    tensor_t *x = tensor_new(t, ndim, shape);
    if (x)
        memset(x->data, 0, x->numel * sizeof(float));
    return x;
}

tensor_t *tensor_wrap(tape_t *t, float *data, float *grad, int ndim, const int *shape)
{
    tensor_t *x = tensor_header(t, ndim, shape);
    if (!x)
        return NULL;
    x->data = data;
    x->grad = grad;
    x->requires_grad = grad != NULL;
    return x;
}

tensor_t *tensor_view(tape_t *t, tensor_t *x, size_t offset, int ndim, const int *shape)
{
    if (!x)
        return NULL;
    tensor_t *v = tensor_header(t, ndim, shape);
    if (!v)
        return NULL;
    if (offset + v->numel > x->numel)
        return tape_fail(t, "tensor_view", "elements %zu..%zu outside a tensor of %zu", offset,
                         offset + v->numel, x->numel);
    tensor_t *base = x->base ? x->base : x;
    v->offset = offset + (x->base ? x->offset : 0);
    v->base = base;
    v->data = base->data + v->offset;
    v->requires_grad = x->requires_grad;
    return v;
}

float *tensor_grad(tape_t *t, tensor_t *x)
{
    if (x->grad)
        return x->grad;
    if (x->base) {
        float *g = tensor_grad(t, x->base);
        if (g)
            x->grad = g + x->offset;
        return x->grad;
    }
    x->grad = arena_calloc(&t->arena, x->numel * sizeof(float));
    if (!x->grad)
        tape_fail(t, "gradient", "%s", ms_error_message());
    return x->grad;
}

float *tensor_grad_for_overwrite(tape_t *t, tensor_t *x, bool *overwrite)
{
    *overwrite = false;
    if (x->grad || x->base) /* a view's gradient shares memory with its base's: zero it all */
        return tensor_grad(t, x);
    x->grad = arena_alloc(&t->arena, x->numel * sizeof(float));
    if (!x->grad)
        tape_fail(t, "gradient", "%s", ms_error_message());
    *overwrite = x->grad != NULL;
    return x->grad;
}

bool tensor_same_shape(const tensor_t *a, const tensor_t *b)
{
    if (a->ndim != b->ndim)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return false;
    return true;
}

const char *tensor_shape_str(const tensor_t *x, char *buf, size_t len)
{
    size_t n = 0;
    n += (size_t)snprintf(buf + n, len - n, "[");
    for (int i = 0; i < x->ndim && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, i ? ",%d" : "%d", x->shape[i]);
    if (n < len)
        snprintf(buf + n, len - n, "]");
    return buf;
}

tensor_t *op_output(tape_t *t, int ndim, const int *shape, tensor_t *const *inputs, int n_inputs)
{
    tensor_t *y = tensor_new(t, ndim, shape);
    if (!y)
        return NULL;
    if (t->recording)
        for (int i = 0; i < n_inputs; i++)
            if (inputs[i] && inputs[i]->requires_grad)
                y->requires_grad = true;
    return y;
}
