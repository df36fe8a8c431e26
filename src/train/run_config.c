#include <math.h>
#include <stdio.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/train.h"

void run_config_default(run_config_t *c, const variant_t *variant, const task_setting_t *setting)
{
    memset(c, 0, sizeof *c);
    c->variant = variant;
    for (int i = 0; i < variant->n_constants; i++)
        c->constants[i] = variant->constants[i].value;
    c->setting = *setting;
    c->seed = 1;
    c->lr = 1e-3;
    c->weight_decay = 0.0;
    c->epochs = 200;
    c->batch_size = 128;
    c->early_stop = 0.999;
    c->beta1 = 0.9;
    c->beta2 = 0.999;
    c->adam_eps = 1e-8;
    c->chunk = 32;
}

int run_config_set_constant(run_config_t *c, const char *name, double value)
{
    int i = variant_constant_index(c->variant, name);
    if (i >= 0) {
        c->constants[i] = value;
        return MS_OK;
    }
    char known[256] = "";
    for (int j = 0; j < c->variant->n_constants; j++) {
        size_t n = strlen(known);
        snprintf(known + n, sizeof known - n, "%s%s", j ? ", " : "", c->variant->constants[j].name);
    }
    return ms_fail(MS_ERR_INPUT, "variant %s has no constant '%s' (its constants: %s)", c->variant->name,
                   name, known[0] ? known : "none");
}

int run_config_validate(const run_config_t *c)
{
    /* No upper bounds: a diverging run is a result (stop reason "nan"), not an input error. */
    if (!(c->lr > 0 && isfinite(c->lr)))
        return ms_fail(MS_ERR_INPUT, "lr %g is out of range: expected a positive number", c->lr);
    if (!(c->weight_decay >= 0 && isfinite(c->weight_decay)))
        return ms_fail(MS_ERR_INPUT, "wd %g is out of range: expected a number >= 0", c->weight_decay);
    if (c->epochs < 1 || c->epochs > 100000)
        return ms_fail(MS_ERR_INPUT, "epochs %d is out of range: expected 1 to 100000", c->epochs);
    if (c->batch_size < 1)
        return ms_fail(MS_ERR_INPUT, "batch size %d is out of range: expected at least 1", c->batch_size);
    if (c->chunk < 1 || c->chunk > 256)
        return ms_fail(MS_ERR_INPUT, "chunk size %d is out of range: expected 1 to 256", c->chunk);
    return task_setting_validate(&c->setting);
}

int run_config_to_json(const run_config_t *c, char *buf, int len)
{
    char setting[1024], constants[512] = "";
    task_setting_to_json(&c->setting, setting, sizeof setting);
    for (int i = 0; i < c->variant->n_constants; i++) {
        size_t n = strlen(constants);
        snprintf(constants + n, sizeof constants - n, "%s\"%s\":%.17g", i ? "," : "",
                 c->variant->constants[i].name, c->constants[i]);
    }
    return snprintf(buf, (size_t)len,
                    "{\"variant\":\"%s\",\"constants\":{%s},\"task\":\"%s\",\"setting\":%s,"
                    "\"seed\":%llu,\"lr\":%.17g,\"weight_decay\":%.17g,\"epochs\":%d,"
                    "\"batch_size\":%d,\"early_stop\":%.17g,\"beta1\":%.17g,\"beta2\":%.17g,"
                    "\"adam_eps\":%.17g,\"chunk_size\":%d}",
                    c->variant->name, constants, c->setting.task->name, setting,
                    (unsigned long long)c->seed, c->lr, c->weight_decay, c->epochs, c->batch_size,
                    c->early_stop, c->beta1, c->beta2, c->adam_eps, c->chunk);
}

void run_config_model(const run_config_t *c, model_config_t *m)
{
    model_config_default(m, c->variant, c->setting.vocab_size);
    memcpy(m->constants, c->constants, sizeof m->constants);
    m->chunk = c->chunk;
    m->autoencoder = c->setting.task->autoencoder;
}
