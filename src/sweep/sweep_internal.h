/* Shared by the sweep-file reader and the expansion only. */
#ifndef MADSWEEP_SWEEP_INTERNAL_H
#define MADSWEEP_SWEEP_INTERNAL_H

#include <cjson/cJSON.h>

#include "madsweep/sweep.h"

/* What expansion needs from the file, checked. */
typedef struct sweep_spec {
    const char *file;
    const variant_t *variants[64];
    int n_variants;
    const cJSON *tasks;
    double lrs[32], wds[32];
    int n_lr, n_wd;
    long long seeds[256];
    int n_seeds;
    run_config_t protocol; /* its epochs, batch_size, early_stop and chunk apply to every cell */
    const cJSON *constants;
} sweep_spec_t;

/* MS_ERR_INPUT with "FILE: PATH: what". */
int sweep_bad(const sweep_spec_t *sp, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Crosses the checked spec into s->cells, longest expected first. */
int sweep_expand(const sweep_spec_t *sp, sweep_t *s);

#endif
