/* #9: L1 P = softmax_causal(s qhat khat^T), the rows of Q_n and K_n renormalised to unit length,
 * temperature s. Shared with #10.
 *
 * The renormalisation is the mixer's l2norm, x / sqrt(sum x^2 + 1e-6): a plain x / |x| would
 * divide by zero on padded rows. The temperature's default is sqrt(d_k) for the model's
 * d_k = 32, stored as a number so that it is the value a run records and a sweep overrides. */
#include "../mixer_internal.h"
#include "madsweep/ops.h"
#include "variants.h"

tensor_t *cosine_softmax_scores(loop_state_t *s, const chunk_view_t *c)
{
    tape_t *t = s->t;
    float temperature = (float)loop_constant(s, "temperature");
    tensor_t *qh = op_affine(t, op_l2norm(t, c->Q, MIXER_L2NORM_EPS), temperature, 0.0f);
    tensor_t *kh = op_l2norm(t, c->K, MIXER_L2NORM_EPS);
    return op_softmax_causal(t, op_bmm(t, qh, kh, false, true));
}

const variant_t variant_cosine_softmax_attention = {
    .name = "delta_net_4layer_cosine_softmax_attention_in_for_loop",
    .description = "L1: P = softmax_causal(s cos(q, k)), cosine similarity at temperature s",
    .n_constants = 1,
    .constants = {{"temperature", 5.656854249492381, "s, the scale of the cosine scores (sqrt(32))"}},
    .scores = cosine_softmax_scores,
};
