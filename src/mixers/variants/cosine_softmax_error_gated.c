/* #10: L1 of #9 and L5 of #7. */
#include "variants.h"

const variant_t variant_cosine_softmax_error_gated = {
    .name = "delta_net_4layer_cosine_softmax_attention_error_gated_update_in_for_loop",
    .description = "L1 of the cosine softmax variant (#9) and L5 of the error-gated one (#7)",
    .n_constants = 1,
    .constants = {{"temperature", 5.656854249492381, "s, the scale of the cosine scores (sqrt(32))"}},
    .scores = cosine_softmax_scores,
    .update = error_gated_update,
};
