/* #11: L1 Z = Q K^T; P = incl(Z * sigmoid(Z)), that is incl(silu(Z)). */
#include "madsweep/ops.h"
#include "variants.h"

static tensor_t *sigmoid_gate_scores(loop_state_t *s, const chunk_view_t *c)
{
    tensor_t *Z = op_bmm(s->t, c->Q, c->K, false, true);
    return op_tril(s->t, op_unary(s->t, Z, UNARY_SILU), false, 1.0f);
}

const variant_t variant_sigmoid_similarity_gate = {
    .name = "delta_net_4layer_sigmoid_similarity_gate_in_for_loop",
    .description = "L1: P = incl(Z * sigmoid(Z)) with Z = Q K^T",
    .scores = sigmoid_gate_scores,
};
