/* #5: L5 with t = n + 1 (chunks counted from 1 in every sequence):
 * M = b1 M + (1-b1) G; Vs = b2 Vs + (1-b2) G*G; S = S + eta (M/(1-b1^t)) / sqrt(Vs/(1-b2^t) + eps). */
#include <math.h>

#include "madsweep/ops.h"
#include "variants.h"

static tensor_t *adam_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut)
{
    tape_t *t = s->t;
    double b1 = loop_constant(s, "beta1"), b2 = loop_constant(s, "beta2"), step = s->n + 1;
    tensor_t *G = loop_increment(s, c, Ut);
    s->M = variant_moving_average(t, s->M, b1, G);
    s->Vs = variant_moving_average(t, s->Vs, b2, op_mul(t, G, G));
    return variant_adaptive_step(t, s->S, loop_constant(s, "eta"), s->M, 1.0 / (1.0 - pow(b1, step)), s->Vs,
                                 1.0 / (1.0 - pow(b2, step)), loop_constant(s, "eps"));
}

const variant_t variant_adam_state_update = {
    .name = "delta_net_4layer_adam_state_update_in_for_loop",
    .description = "L5: Adam on the state: bias-corrected moments M, Vs of G with t = n+1",
    .n_constants = 4,
    .constants = {{"beta1", 0.9, "decay of the first moment"},
                  {"beta2", 0.999, "decay of the second moment"},
                  {"eta", 1.0, "step size"},
                  {"eps", 1e-8, "added under the square root"}},
    .update = adam_update,
};
