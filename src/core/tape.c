#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/tensor.h"

void tape_init(tape_t *t)
{
    memset(t, 0, sizeof *t);
    arena_init(&t->arena);
    t->recording = true;
}

void tape_free(tape_t *t)
{
    arena_free(&t->arena);
    free(t->nodes);
    memset(t, 0, sizeof *t);
}

void tape_reset(tape_t *t)
{
    arena_reset(&t->arena);
    t->n_nodes = 0;
    t->status = MS_OK;
}

int tape_status(const tape_t *t) { return t->status; }

tensor_t *tape_fail(tape_t *t, const char *op, const char *fmt, ...)
{
    if (t->status != MS_OK)
        return NULL; /* keep the first failure: later ones are its consequences */
    char detail[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    t->status = ms_fail(MS_ERR_RUN, "%s: %s", op, detail);
    return NULL;
}

tape_node_t *tape_push(tape_t *t, const char *op, tape_backward_fn backward, tensor_t *out)
{
    if (!t->recording || !out || !out->requires_grad)
        return NULL;
    if (t->n_nodes == t->cap_nodes) {
        int cap = t->cap_nodes ? 2 * t->cap_nodes : 256;
        tape_node_t *nodes = realloc(t->nodes, (size_t)cap * sizeof *nodes);
        if (!nodes) {
            tape_fail(t, op, "out of memory growing the tape to %d nodes", cap);
            return NULL;
        }
        t->nodes = nodes;
        t->cap_nodes = cap;
    }
    tape_node_t *n = &t->nodes[t->n_nodes++];
    memset(n, 0, sizeof *n);
    n->backward = backward;
    n->op = op;
    n->out = out;
    return n;
}

int tape_backward(tape_t *t, tensor_t *loss)
{
    if (loss && loss->numel != 1)
        return ms_fail(MS_ERR_RUN, "tape_backward: the loss has %zu elements, expected 1", loss->numel);
    const float one = 1.0f;
    return tape_backward_seeded(t, loss, &one);
}

int tape_backward_seeded(tape_t *t, tensor_t *out, const float *dout)
{
    if (t->status != MS_OK || !out)
        return t->status != MS_OK ? t->status : ms_fail(MS_ERR_RUN, "tape_backward: no output");
    float *g = tensor_grad(t, out);
    if (!g)
        return t->status;
    for (size_t i = 0; i < out->numel; i++)
        g[i] += dout[i];
    for (int i = t->n_nodes - 1; i >= 0 && t->status == MS_OK; i--) {
        const tape_node_t *n = &t->nodes[i];
        const tensor_t *out = n->out;
        bool reached = out->grad || (out->base && out->base->grad);
        if (reached) /* else no gradient reached this output: nothing to pass on */
            n->backward(t, n);
    }
    return t->status;
}
