/* #4: L5 Vs = rho Vs + (1 - rho) G*G; S = S + eta G / sqrt(Vs + eps), with Vs zero before the
 * first chunk. */
#include "madsweep/ops.h"
#include "variants.h"

static tensor_t *rmsprop_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut)
{
    tape_t *t = s->t;
    tensor_t *G = loop_increment(s, c, Ut);
    s->Vs = variant_moving_average(t, s->Vs, loop_constant(s, "rho"), op_mul(t, G, G));
    return variant_adaptive_step(t, s->S, loop_constant(s, "eta"), G, 1.0, s->Vs, 1.0, loop_constant(s, "eps"));
}

const variant_t variant_rmsprop_state_update = {
    .name = "delta_net_4layer_rmsprop_state_update_in_for_loop",
    .description = "L5: Vs = rho Vs + (1-rho) G*G; S = S + eta G / sqrt(Vs + eps)",
    .n_constants = 3,
    .constants = {{"rho", 0.99, "decay of the squared-increment average"},
                  {"eta", 0.1, "step size"},
                  {"eps", 1e-8, "added under the square root"}},
    .update = rmsprop_update,
};
