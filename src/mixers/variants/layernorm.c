/* #6: L5 S = LN_rows(S + G): each of the d_k rows normalised over its d_v entries (biased
 * variance, no affine), after every chunk. */
#include "madsweep/ops.h"
#include "variants.h"

static tensor_t *layernorm_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut)
{
    return op_layernorm(s->t, loop_baseline_update(s, c, Ut), (float)loop_constant(s, "eps"));
}

const variant_t variant_layernorm_state_update = {
    .name = "delta_net_4layer_layernorm_state_update_in_for_loop",
    .description = "L5: S = LN_rows(S + G), each key row normalised over d_v, no affine",
    .n_constants = 1,
    .constants = {{"eps", 1e-5, "added to the variance"}},
    .update = layernorm_update,
};
