/* The registry: every variant under its exact name (chunk-loop.md §5). */
#include <stdio.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/mixer.h"
#include "variants/variants.h"

/* The table of chunk-loop.md §5, in its order; one file per variant under variants/. */
static const variant_t *const variants[] = {
    &variant_delta_net,                     /* 1 */
    &variant_decay_state_update,            /* 2 */
    &variant_momentum_state_update,         /* 3 */
    &variant_rmsprop_state_update,          /* 4 */
    &variant_adam_state_update,             /* 5 */
    &variant_layernorm_state_update,        /* 6 */
    &variant_error_gated_state_update,      /* 7 */
    &variant_softmax_attention,             /* 8 */
    &variant_cosine_softmax_attention,      /* 9 */
    &variant_cosine_softmax_error_gated,    /* 10 */
    &variant_sigmoid_similarity_gate,       /* 11 */
    &variant_add_local_softmax_attention,   /* 12, the new proposal */
    &variant_gated_delta_net,               /* 13 */
};

int variant_count(void) { return (int)(sizeof variants / sizeof variants[0]); }

const variant_t *variant_at(int i) { return i >= 0 && i < variant_count() ? variants[i] : NULL; }

const variant_t *variant_find(const char *name)
{
    char known[4096] = "";
    for (int i = 0; i < variant_count(); i++) {
        if (strcmp(variants[i]->name, name) == 0)
            return variants[i];
        size_t n = strlen(known);
        snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "", variants[i]->name);
    }
    ms_fail(MS_ERR_INPUT, "unknown variant '%s' (known: %s)", name, known);
    return NULL;
}

int variant_constant_index(const variant_t *v, const char *name)
{
    for (int i = 0; i < v->n_constants; i++)
        if (strcmp(v->constants[i].name, name) == 0)
            return i;
    return -1;
}
