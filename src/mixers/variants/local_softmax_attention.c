/* #12, the new proposal: L4 O = Q S + P Ut + softmax_causal(Q K^T) Vb. The added local path sees
 * only the current chunk, before the state update, so causality holds; L1 and L5 are the
 * baseline's. */
#include "madsweep/ops.h"
#include "variants.h"

static tensor_t *local_softmax_output(loop_state_t *s, const chunk_view_t *c, tensor_t *P, tensor_t *Ut)
{
    tensor_t *local = op_softmax_causal(s->t, op_bmm(s->t, c->Q, c->K, false, true));
    return op_add(s->t, loop_baseline_output(s, c, P, Ut), op_bmm(s->t, local, c->Vb, false, false));
}

const variant_t variant_add_local_softmax_attention = {
    .name = "delta_net_4layer_add_local_softmax_attention_in_for_loop",
    .description = "L4: O = Q S + P Ut + softmax_causal(Q K^T) Vb, a local softmax path per chunk",
    .output = local_softmax_output,
};
