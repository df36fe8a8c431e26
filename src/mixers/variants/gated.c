/* #13: the Gated DeltaNet mixer (model.md §4) with the gated loop of chunk-loop.md §4; it has no
 * hooks (src/mixers/gated_delta_net.c and gated_chunk_loop.c). */
#include "variants.h"

const variant_t variant_gated_delta_net = {
    .name = "gated_delta_net_4layer",
    .description = "Gated DeltaNet: per-token decay of the state, value heads of 64, output gate",
    .mixer = MIXER_GATED_DELTA_NET,
};
