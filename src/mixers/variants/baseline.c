/* #1 delta_net_4layer: the baseline loop of chunk-loop.md §3, every hook NULL. */
#include "variants.h"

const variant_t variant_delta_net = {
    .name = "delta_net_4layer",
    .description = "DeltaNet: the chunkwise delta rule, unchanged",
};
