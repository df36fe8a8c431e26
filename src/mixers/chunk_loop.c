/* The chunkwise delta rule (chunk-loop.md §2-3), with the variant's hooks for L1, L4 and L5. */
#include <math.h>

#include "madsweep/error.h"
#include "madsweep/mixer.h"
#include "madsweep/ops.h"
#include "mixer_internal.h"

tensor_t *mixer_chunk_of(tape_t *t, tensor_t *x, int n)
{
    if (!x)
        return NULL;
    int per = x->shape[1] * x->shape[2] * (x->ndim == 4 ? x->shape[3] : 1);
    int shape[3] = {x->shape[1], x->shape[2], x->ndim == 4 ? x->shape[3] : 1};
    return tensor_view(t, x, (size_t)n * per, x->ndim == 4 ? 3 : 2, shape);
}

/* §2: the WY form of one chunk: U = T Vb, W = T Kb with T = (I + strict(Kb K^T))^{-1}. */
static void chunk_prepare(tape_t *t, chunk_view_t *c)
{
    c->Kb = op_scale_rows(t, c->K, c->beta);
    c->Vb = op_scale_rows(t, c->V, c->beta);
    tensor_t *A = op_tril(t, op_bmm(t, c->Kb, c->K, false, true), true, -1.0f);
    tensor_t *T = op_unit_tril_inverse(t, A);
    c->U = op_bmm(t, T, c->Vb, false, false);
    c->W = op_bmm(t, T, c->Kb, false, false);
}

tensor_t *loop_baseline_scores(loop_state_t *s, const chunk_view_t *c)
{
    return op_tril(s->t, op_bmm(s->t, c->Q, c->K, false, true), false, 1.0f); /* L1 */
}

tensor_t *loop_baseline_output(loop_state_t *s, const chunk_view_t *c, tensor_t *P, tensor_t *Ut)
{
    return op_add(s->t, op_bmm(s->t, c->Q, s->S, false, false), op_bmm(s->t, P, Ut, false, false)); /* L4 */
}

tensor_t *loop_increment(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut)
{
    return op_bmm(s->t, c->K, Ut, true, false); /* G = K^T Ut */
}

tensor_t *loop_baseline_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut)
{
    return op_add(s->t, s->S, loop_increment(s, c, Ut)); /* L5 */
}

double loop_constant(loop_state_t *s, const char *name)
{
    int i = variant_constant_index(s->variant, name);
    if (i < 0) {
        tape_fail(s->t, s->variant->name, "the variant declares no constant '%s'", name);
        return NAN;
    }
    return s->k[i];
}

int chunk_loop(tape_t *t, const variant_t *variant, const double *constants, tensor_t *q,
               tensor_t *k, tensor_t *v, tensor_t *beta, tensor_t **o)
{
    if (!q || !k || !v || !beta)
        return tape_status(t) ? tape_status(t) : ms_fail(MS_ERR_RUN, "chunk_loop: missing input");
    if (variant->mixer != MIXER_DELTA_NET)
        return ms_fail(MS_ERR_RUN, "chunk_loop: %s is not a DeltaNet loop variant", variant->name);
    int n_chunks = q->shape[0], bh = q->shape[1], dk = q->shape[3], dv = v->shape[3];
    loop_state_t s = {.t = t, .variant = variant, .k = constants};
    s.S = tensor_zeros(t, 3, (int[]){bh, dk, dv});
    for (int n = 0; n < n_chunks; n++) {
        chunk_view_t c = {.Q = mixer_chunk_of(t, q, n), .K = mixer_chunk_of(t, k, n),
                          .V = mixer_chunk_of(t, v, n), .beta = mixer_chunk_of(t, beta, n)};
        s.n = n;
        chunk_prepare(t, &c);
        tensor_t *P = variant->scores ? variant->scores(&s, &c) : loop_baseline_scores(&s, &c);
        tensor_t *Ut = op_sub(t, c.U, op_bmm(t, c.W, s.S, false, false)); /* L2 */
        o[n] = variant->output ? variant->output(&s, &c, P, Ut) : loop_baseline_output(&s, &c, P, Ut);
        s.S = variant->update ? variant->update(&s, &c, Ut) : loop_baseline_update(&s, &c, Ut);
    }
    return tape_status(t);
}

int variant_loop(tape_t *t, const variant_t *variant, const double *constants, tensor_t *q,
                 tensor_t *k, tensor_t *v, tensor_t *beta, tensor_t *g, tensor_t **o)
{
    switch (variant->mixer) {
    case MIXER_DELTA_NET:
        return chunk_loop(t, variant, constants, q, k, v, beta, o);
    case MIXER_GATED_DELTA_NET:
        return gated_chunk_loop(t, q, k, v, beta, g, o);
    }
    return ms_fail(MS_ERR_RUN, "variant %s: unknown mixer kind %d", variant->name, (int)variant->mixer);
}
