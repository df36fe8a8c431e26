#include <stdio.h>

#include "madsweep/error.h"
#include "madsweep/model.h"
#include "madsweep/ops.h"

int swiglu_add_params(params_t *p, const char *prefix, int d_model, int hidden, swiglu_layer_t *l)
{
    char name[PARAM_NAME_MAX];
    snprintf(name, sizeof name, "%sw1.weight", prefix);
    l->w1 = params_add(p, name, 2, (int[]){hidden, d_model}, INIT_NORMAL, 0.02f, 0);
    snprintf(name, sizeof name, "%sw2.weight", prefix);
    l->w2 = params_add(p, name, 2, (int[]){hidden, d_model}, INIT_NORMAL, 0.02f, 0);
    snprintf(name, sizeof name, "%sw3.weight", prefix);
    l->w3 = params_add(p, name, 2, (int[]){d_model, hidden}, INIT_NORMAL, 0.02f, 0);
    return l->w3 < 0 ? MS_ERR_RUN : MS_OK;
}

tensor_t *swiglu_forward(tape_t *t, const params_t *p, const swiglu_layer_t *l, tensor_t *x)
{
    /* w1 and w2 are adjacent parameters: one product gives both halves */
    tensor_t *both = op_linear(t, x, params_span(t, p, l->w1, 2), NULL);
    return op_linear(t, op_swiglu(t, both), params_tensor(t, p, l->w3), NULL);
}
