/* #3: L5 M = mu M + G; S = S + M, with M zero before the first chunk. */
#include "madsweep/ops.h"
#include "variants.h"

static tensor_t *momentum_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut)
{
    tensor_t *G = loop_increment(s, c, Ut);
    s->M = s->M ? op_add(s->t, op_affine(s->t, s->M, (float)loop_constant(s, "mu"), 0.0f), G) : G;
    return op_add(s->t, s->S, s->M);
}

const variant_t variant_momentum_state_update = {
    .name = "delta_net_4layer_momentum_state_update_in_for_loop",
    .description = "L5: M = mu M + G; S = S + M, heavy-ball momentum on the state",
    .n_constants = 1,
    .constants = {{"mu", 0.9, "momentum coefficient"}},
    .update = momentum_update,
};
