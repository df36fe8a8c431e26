/* AdamW and the per-epoch cosine schedule (protocol.md §1). */
#ifndef MADSWEEP_OPTIM_H
#define MADSWEEP_OPTIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct adamw_config {
    double lr, weight_decay, beta1, beta2, eps;
} adamw_config_t;

/* One AdamW step over n parameters, PyTorch's algorithm: decoupled decay p *= 1 - lr * wd on
 * every parameter, then the bias-corrected Adam update. step counts from 1. */
void adamw_update(float *param, const float *grad, float *m, float *v, size_t n,
                  const adamw_config_t *c, int64_t step);

/* lr(e) = 1e-6 + (lr0 - 1e-6) (1 + cos(pi e / E)) / 2 for epoch e of E. */
double schedule_cosine_lr(double lr0, int epoch, int epochs);

#endif
