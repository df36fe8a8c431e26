/* Pieces shared by the optimiser-style state updates (#4 RMSprop, #5 Adam). */
#include "madsweep/ops.h"
#include "variants.h"

tensor_t *variant_moving_average(tape_t *t, tensor_t *avg, double decay, tensor_t *x)
{
    tensor_t *fresh = op_affine(t, x, (float)(1.0 - decay), 0.0f);
    return avg ? op_add(t, op_affine(t, avg, (float)decay, 0.0f), fresh) : fresh;
}

tensor_t *variant_adaptive_step(tape_t *t, tensor_t *S, double eta, tensor_t *num, double num_scale,
                                tensor_t *den, double den_scale, double eps)
{
    tensor_t *root = op_unary(t, op_affine(t, den, (float)den_scale, (float)eps), UNARY_SQRT);
    return op_add(t, S, op_div(t, op_affine(t, num, (float)(eta * num_scale), 0.0f), root));
}
