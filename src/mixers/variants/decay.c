/* #2: L5 S = gamma S + G, per chunk. The decay reaches only the next chunk: this chunk's Ut and
 * Q S used the undecayed S. */
#include "madsweep/ops.h"
#include "variants.h"

static tensor_t *decay_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut)
{
    float gamma = (float)loop_constant(s, "gamma");
    return op_add(s->t, op_affine(s->t, s->S, gamma, 0.0f), loop_increment(s, c, Ut));
}

const variant_t variant_decay_state_update = {
    .name = "delta_net_4layer_decay_state_update_in_for_loop",
    .description = "L5: S = gamma S + G, a fixed decay of the old state per chunk",
    .n_constants = 1,
    .constants = {{"gamma", 0.95, "decay of the state per chunk"}},
    .update = decay_update,
};
