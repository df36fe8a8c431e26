/* Checkpoints: the trainer's whole state in a file beside its run log, rewritten at every
 * epoch end and when a run is stopped. Restoring it gives the same numbers as an uninterrupted
 * run: parameters and moments are stored exactly, the batch order is a function of (seed,
 * epoch), and the epoch in progress carries its partial sums. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "madsweep/error.h"
#include "madsweep/h5util.h"
#include "madsweep/train.h"

static int write_buffer(hid_t group, const char *name, const float *data, size_t n)
{
    hsize_t dims[1] = {(hsize_t)n};
    return h5_write_float(group, name, data, 1, dims);
}

int checkpoint_save(const char *path, const trainer_t *tr, runlog_t *log)
{
    int64_t step_rows, epoch_rows;
    int rc = runlog_flush(log);
    if (rc)
        return rc;
    runlog_rows(log, &step_rows, &epoch_rows);
    char config[4096], tmp[4200];
    run_config_to_json(&tr->cfg, config, sizeof config);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    hid_t file = h5_create_as(tmp, "checkpoint");
    if (file < 0)
        return MS_ERR_RUN;
    hid_t g = h5_group(file, "checkpoint");
    if (g < 0) {
        h5_close(file);
        return MS_ERR_RUN;
    }
    const params_t *p = &tr->model.params;
    const final_metrics_t *f = &tr->final;
    rc = write_buffer(g, "params", p->data, p->total);
    rc = rc ? rc : write_buffer(g, "adam_m", tr->adam_m, p->total);
    rc = rc ? rc : write_buffer(g, "adam_v", tr->adam_v, p->total);
    rc = rc ? rc : h5_attr_string(g, "config", config);
    struct { const char *name; int64_t value; } ints[] = {
        {"step", tr->step}, {"epoch", tr->epoch}, {"batch", tr->progress.batch},
        {"epoch_scored", tr->progress.scored}, {"step_rows", step_rows}, {"epoch_rows", epoch_rows},
        {"best_epoch", f->best_epoch}, {"epochs_run", f->epochs_run},
    };
    struct { const char *name; double value; } reals[] = {
        {"epoch_loss_sum", tr->progress.loss_sum}, {"epoch_seconds", tr->progress.seconds},
        {"earlier_seconds", tr->earlier_seconds}, {"best_test_loss", f->best_test_loss},
        {"best_test_perplexity", f->best_test_perplexity}, {"token_accuracy", f->token_accuracy},
        {"mad_accuracy", f->mad_accuracy}, {"max_token_accuracy", f->max_token_accuracy},
        {"max_mad_accuracy", f->max_mad_accuracy},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0] && !rc; i++)
        rc = h5_attr_int64(g, ints[i].name, ints[i].value);
    for (size_t i = 0; i < sizeof reals / sizeof reals[0] && !rc; i++)
        rc = h5_attr_double(g, reals[i].name, reals[i].value);
    H5Gclose(g);
    int closed = h5_close(file);
    rc = rc ? rc : closed;
    if (rc == MS_OK && rename(tmp, path) != 0)
        rc = ms_fail(MS_ERR_RUN, "cannot rename checkpoint '%s' to '%s': %s", tmp, path, strerror(errno));
    if (rc != MS_OK)
        unlink(tmp);
    return rc;
}

static int read_buffer(hid_t file, const char *name, float *out, size_t n)
{
    float *data = NULL;
    int ndim = 0;
    hsize_t dims[4] = {0};
    int rc = h5_read_float(file, name, &data, &ndim, dims);
    if (!rc && (ndim != 1 || dims[0] != n))
        rc = ms_fail(MS_ERR_RUN, "checkpoint %s holds %llu values, the model has %zu", name,
                     (unsigned long long)dims[0], n);
    if (!rc)
        memcpy(out, data, n * sizeof(float));
    free(data);
    return rc;
}

int checkpoint_load(const char *path, trainer_t *tr, int64_t *step_rows, int64_t *epoch_rows)
{
    if (access(path, F_OK) != 0)
        return ms_fail(MS_ERR_RUN, "no checkpoint '%s'", path);
    hid_t file = h5_open(path, 0);
    if (file < 0)
        return MS_ERR_RUN;
    h5_quiet_t q = h5_quiet_begin();
    hid_t g = H5Gopen2(file, "checkpoint", H5P_DEFAULT);
    h5_quiet_end(q);
    if (g < 0) {
        h5_close(file);
        return ms_fail(MS_ERR_RUN, "'%s' holds no checkpoint", path);
    }
    char *saved = NULL, config[4096];
    run_config_to_json(&tr->cfg, config, sizeof config);
    int rc = h5_read_attr_string(g, "config", &saved);
    if (!rc && strcmp(saved, config) != 0)
        rc = ms_fail(MS_ERR_RUN, "the checkpoint belongs to another config");
    free(saved);
    const params_t *p = &tr->model.params;
    rc = rc ? rc : read_buffer(file, "checkpoint/params", p->data, p->total);
    rc = rc ? rc : read_buffer(file, "checkpoint/adam_m", tr->adam_m, p->total);
    rc = rc ? rc : read_buffer(file, "checkpoint/adam_v", tr->adam_v, p->total);
    int64_t step = 0, epoch = 0, batch = 0, scored = 0, best_epoch = 0, epochs_run = 0;
    final_metrics_t *f = &tr->final;
    struct { const char *name; int64_t *value; } ints[] = {
        {"step", &step}, {"epoch", &epoch}, {"batch", &batch}, {"epoch_scored", &scored},
        {"step_rows", step_rows}, {"epoch_rows", epoch_rows}, {"best_epoch", &best_epoch},
        {"epochs_run", &epochs_run},
    };
    struct { const char *name; double *value; } reals[] = {
        {"epoch_loss_sum", &tr->progress.loss_sum}, {"epoch_seconds", &tr->progress.seconds},
        {"earlier_seconds", &tr->earlier_seconds}, {"best_test_loss", &f->best_test_loss},
        {"best_test_perplexity", &f->best_test_perplexity}, {"token_accuracy", &f->token_accuracy},
        {"mad_accuracy", &f->mad_accuracy}, {"max_token_accuracy", &f->max_token_accuracy},
        {"max_mad_accuracy", &f->max_mad_accuracy},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0] && !rc; i++)
        rc = h5_read_attr_int64(g, ints[i].name, ints[i].value);
    for (size_t i = 0; i < sizeof reals / sizeof reals[0] && !rc; i++)
        rc = h5_read_attr_double(g, reals[i].name, reals[i].value);
    H5Gclose(g);
    h5_close(file);
    if (rc)
        return rc;
    tr->step = step;
    tr->epoch = (int)epoch;
    tr->progress.batch = (int)batch;
    tr->progress.scored = scored;
    f->best_epoch = (int32_t)best_epoch;
    f->epochs_run = (int32_t)epochs_run;
    return MS_OK;
}
