/* #7: L5 r_c = sqrt(||Ut_c||^2 + 1e-6), g_c = sigmoid(r_c), S = S + K^T (g * Ut) with g per row.
 * The output (L4) still uses the ungated Ut. Shared with #10. */
#include "madsweep/ops.h"
#include "variants.h"

/* Fixed, not a constant: the spec writes it as a number and lists no name for it. */
static const float ERROR_GATE_EPS = 1e-6f;

tensor_t *error_gated_update(loop_state_t *s, const chunk_view_t *c, tensor_t *Ut)
{
    tensor_t *g = op_unary(s->t, op_row_norm(s->t, Ut, ERROR_GATE_EPS), UNARY_SIGMOID);
    return loop_baseline_update(s, c, op_scale_rows(s->t, Ut, g));
}

const variant_t variant_error_gated_state_update = {
    .name = "delta_net_4layer_error_gated_state_update_in_for_loop",
    .description = "L5: S = S + K^T (sigmoid(||Ut_c||) * Ut), each error row gated by its size",
    .update = error_gated_update,
};
