/* #8: L1 P = softmax_causal(Q K^T), no extra scale. */
#include "madsweep/ops.h"
#include "variants.h"

static tensor_t *softmax_scores(loop_state_t *s, const chunk_view_t *c)
{
    return op_softmax_causal(s->t, op_bmm(s->t, c->Q, c->K, false, true));
}

const variant_t variant_softmax_attention = {
    .name = "delta_net_4layer_softmax_attention_in_for_loop",
    .description = "L1: P = softmax_causal(Q K^T), unscaled",
    .scores = softmax_scores,
};
