/* Cross-entropy over the scored positions (protocol.md §1: mean over non-IGN positions; the
 * caller passes scale = 1 / scored count, so that micro-batches sum to the batch mean). */
#include <math.h>

#include "madsweep/task.h"
#include "fast_exp.h"
#include "ops_internal.h"

static void cross_entropy_backward(tape_t *t, const tape_node_t *nd)
{
    tensor_t *logits = nd->in[0];
    const int32_t *targets = nd->cptr;
    const float *dloss = tensor_grad(t, nd->out), *lse = nd->saved;
    float *dl = tensor_grad(t, logits);
    if (!dloss || !dl)
        return;
    int v = tensor_cols(logits);
    size_t rows = tensor_rows(logits);
    float g = dloss[0] * nd->f[0];
    for (size_t r = 0; r < rows; r++) {
        if (targets[r] == TASK_IGN)
            continue;
        const float *lr = logits->data + r * v;
        float *dr = dl + r * v;
        for (int j = 0; j < v; j++) /* d/dlogit = softmax - onehot */
            dr[j] += g * fast_expf(lr[j] - lse[r]);
        dr[targets[r]] -= g;
    }
}

tensor_t *op_cross_entropy(tape_t *t, tensor_t *logits, const int32_t *targets, float scale)
{
    if (!op_ready(t, 1, logits))
        return NULL;
    int v = tensor_cols(logits);
    size_t rows = tensor_rows(logits);
    tensor_t *loss = op_output(t, 1, (int[]){1}, &logits, 1);
    float *lse = arena_alloc(&t->arena, rows * sizeof(float));
    if (!loss || !lse)
        return tape_fail(t, "cross_entropy", "out of memory");
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        if (targets[r] == TASK_IGN)
            continue;
        if (targets[r] < 0 || targets[r] >= v)
            return tape_fail(t, "cross_entropy", "target %d at row %zu is outside [0, %d)", targets[r], r, v);
        const float *lr = logits->data + r * v;
        float mx = lr[0], sum = 0.0f;
        for (int j = 1; j < v; j++)
            mx = fmaxf(mx, lr[j]);
        for (int j = 0; j < v; j++)
            sum += fast_expf(lr[j] - mx);
        lse[r] = mx + logf(sum);
        total += (double)lse[r] - (double)lr[targets[r]];
    }
    loss->data[0] = (float)(total * scale);
    tape_node_t *nd = tape_push(t, "cross_entropy", cross_entropy_backward, loss);
    if (nd) {
        nd->in[0] = logits;
        nd->cptr = targets;
        nd->saved = lse;
        nd->f[0] = scale;
    }
    return loss;
}
