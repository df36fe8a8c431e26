/* madsweep probe: one forward and one backward on the first B training instances, with every
 * parameter and gradient written out, for the PyTorch reference test (docs/formats.md). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "madsweep/error.h"
#include "madsweep/h5util.h"
#include "madsweep/ops.h"

static int write_params(hid_t f, const params_t *p)
{
    int status = MS_OK;
    for (int i = 0; i < p->count && status == MS_OK; i++) {
        const param_info_t *pi = &p->info[i];
        hsize_t dims[TENSOR_MAX_DIMS];
        for (int d = 0; d < pi->ndim; d++)
            dims[d] = (hsize_t)pi->shape[d];
        char name[PARAM_NAME_MAX + 16];
        snprintf(name, sizeof name, "params/%s", pi->name);
        status = h5_write_float(f, name, p->data + pi->offset, pi->ndim, dims);
        snprintf(name, sizeof name, "grads/%s", pi->name);
        if (status == MS_OK)
            status = h5_write_float(f, name, p->grad + pi->offset, pi->ndim, dims);
    }
    return status;
}

static int probe(const run_config_t *cfg, const dataset_t *train, int batch, const char *out)
{
    model_t m;
    model_config_t mc;
    run_config_model(cfg, &mc);
    int status = model_create(&m, &mc);
    if (status != MS_OK)
        return status;
    params_initialise(&m.params, cfg->seed);
    int len = train->length;
    int64_t scored = 0;
    for (size_t i = 0; i < (size_t)batch * len; i++)
        scored += train->targets[i] != TASK_IGN;
    tape_t t;
    tape_init(&t);
    tensor_t *logits = model_logits(&t, &m, train->inputs, batch, len);
    tensor_t *loss = op_cross_entropy(&t, logits, train->targets, 1.0f / (float)(scored ? scored : 1));
    status = tape_backward(&t, loss);
    hid_t f = status == MS_OK ? h5_create(out) : H5I_INVALID_HID;
    if (status == MS_OK && f < 0)
        status = MS_ERR_RUN;
    if (status == MS_OK) {
        hsize_t tok[2] = {(hsize_t)batch, (hsize_t)len};
        hsize_t lg[3] = {(hsize_t)batch, (hsize_t)len, (hsize_t)mc.vocab_size};
        double loss_value = loss->data[0];
        char config[4096], with_batch[4200];
        run_config_to_json(cfg, config, sizeof config);
        snprintf(with_batch, sizeof with_batch, "{\"batch\":%d,%s", batch, config + 1);
        status = h5_write_int32(f, "inputs", train->inputs, 2, tok);
        if (status == MS_OK)
            status = h5_write_int32(f, "targets", train->targets, 2, tok);
        if (status == MS_OK)
            status = h5_write_float(f, "logits", logits->data, 3, lg);
        if (status == MS_OK)
            status = h5_write_double(f, "loss", &loss_value, 0, NULL);
        if (status == MS_OK)
            status = h5_write_string(f, "config", with_batch);
        if (status == MS_OK)
            status = write_params(f, &m.params);
        printf("%s: loss %.6f over %lld scored positions, %zu parameters\n", out, loss_value, (long long)scored,
               m.params.total);
    }
    if (f >= 0) {
        int closed = h5_close(f);
        status = status ? status : closed;
    }
    tape_free(&t);
    model_free(&m);
    return status;
}

int cmd_probe(int argc, char **argv)
{
    cli_options_t o;
    run_config_t cfg;
    long long batch = 0;
    int status = cli_parse(argc, argv, 2, "probe", "variant,task,set,seed,batch,out", &o);
    if (status == MS_OK)
        status = cli_run_config(&o, &cfg);
    if (status == MS_OK && (!o.batch || !o.out))
        status = ms_fail(MS_ERR_INPUT, "--batch and --out are required");
    if (status == MS_OK)
        status = cli_int(o.batch, "batch", 1, cfg.setting.num_train, &batch);
    if (status == MS_OK)
        status = cli_check_writable(o.out);
    if (status != MS_OK)
        return status;
    dataset_t train = {0}, test = {0};
    status = task_generate(&cfg.setting, &train, &test);
    if (status == MS_OK)
        status = probe(&cfg, &train, (int)batch, o.out);
    dataset_free(&train);
    dataset_free(&test);
    return status;
}
