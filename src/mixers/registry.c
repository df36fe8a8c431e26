/* The registry: every variant under its exact name (chunk-loop.md §5). */
#include <stdio.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/mixer.h"

static const variant_t delta_net_4layer = {
    .name = "delta_net_4layer",
    .description = "DeltaNet: the chunkwise delta rule, unchanged",
};

static const variant_t *const variants[] = {
    &delta_net_4layer,
};

int variant_count(void) { return (int)(sizeof variants / sizeof variants[0]); }

const variant_t *variant_at(int i) { return i >= 0 && i < variant_count() ? variants[i] : NULL; }

const variant_t *variant_find(const char *name)
{
    char known[2048] = "";
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
