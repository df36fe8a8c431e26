#include "madsweep/optim.h"

#include <math.h>

void adamw_update(float *param, const float *grad, float *m, float *v, size_t n,
                  const adamw_config_t *c, int64_t step)
{
    float b1 = (float)c->beta1, b2 = (float)c->beta2, eps = (float)c->eps;
    float decay = (float)(1.0 - c->lr * c->weight_decay);
    float step_size = (float)(c->lr / (1.0 - pow(c->beta1, (double)step)));
    float bc2_sqrt = (float)sqrt(1.0 - pow(c->beta2, (double)step));
    for (size_t i = 0; i < n; i++) {
        float g = grad[i];
        m[i] = b1 * m[i] + (1.0f - b1) * g;
        v[i] = b2 * v[i] + (1.0f - b2) * g * g;
        param[i] = param[i] * decay - step_size * m[i] / (sqrtf(v[i]) / bc2_sqrt + eps);
    }
}

double schedule_cosine_lr(double lr0, int epoch, int epochs)
{
    const double lr_min = 1e-6;
    return lr_min + (lr0 - lr_min) * (1.0 + cos(M_PI * epoch / epochs)) / 2.0;
}
