/* A worker's side of a cell: the run file under a temporary name (KEY.h5.part) with its
 * checkpoint beside it (KEY.h5.ckpt), resumed from there when both are usable, renamed to
 * KEY.h5 when the run ends (and the checkpoint deleted). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "madsweep/error.h"
#include "madsweep/runner.h"

typedef struct stop_check {
    bool (*should_stop)(void *ctx);
    void *ctx;
    double deadline; /* wall clock; 0 for none */
    bool timed_out, stopped;
} stop_check_t;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static bool stop_now(void *ctx)
{
    stop_check_t *s = ctx;
    if (s->should_stop && s->should_stop(s->ctx))
        s->stopped = true;
    else if (s->deadline > 0 && wall_now() > s->deadline)
        s->timed_out = true;
    return s->stopped || s->timed_out;
}

static void add_provenance(runlog_t *log, const runner_options_t *o, int attempt)
{
    char text[64];
    snprintf(text, sizeof text, "%d", o->rank);
    runlog_provenance(log, "rank", text);
    snprintf(text, sizeof text, "%d", attempt);
    runlog_provenance(log, "attempt", text);
    static const char *const slurm[] = {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID",
                                        "SLURM_RESTART_COUNT", "SLURM_PROCID"};
    for (size_t i = 0; i < sizeof slurm / sizeof slurm[0]; i++) {
        const char *v = getenv(slurm[i]);
        char key[64];
        snprintf(key, sizeof key, "%s", slurm[i]);
        for (char *p = key; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        if (v)
            runlog_provenance(log, key, v);
    }
}

/* Opens the run file: resumed from a usable checkpoint, or started afresh (any other leftover
 * is discarded). */
static int open_run(const runner_options_t *o, const cell_t *c, int attempt, const char *part, const char *ckpt,
                    trainer_t *tr, const dataset_t *train, const dataset_t *test, runlog_t **log, bool *resumed)
{
    *resumed = false;
    if (access(part, F_OK) == 0 || access(ckpt, F_OK) == 0) {
        int64_t steps, epochs;
        int rc = checkpoint_load(ckpt, tr, &steps, &epochs);
        rc = rc ? rc : runlog_reopen(log, part);
        rc = rc ? rc : runlog_truncate(*log, steps, epochs);
        if (rc == MS_OK) {
            *resumed = true;
            add_provenance(*log, o, attempt);
            return MS_OK;
        }
        fprintf(stderr, "madsweep: rank %d: discarding %s: %s\n", o->rank, part, ms_error_message());
        runlog_close(*log);
        *log = NULL;
        trainer_free(tr);
        int status = trainer_create(tr, &c->cfg, train, test);
        if (status)
            return status;
        unlink(part);
        unlink(ckpt);
    }
    char config[4096];
    run_config_to_json(&c->cfg, config, sizeof config);
    int rc = runlog_open(log, part, config);
    if (rc == MS_OK)
        add_provenance(*log, o, attempt);
    return rc;
}

int runner_run_cell(const runner_options_t *o, const cell_t *c, int attempt, bool (*should_stop)(void *ctx),
                    void *ctx, cell_result_t *r)
{
    char path[4096], part[4200], ckpt[4200], dir[4096];
    r->start = wall_now();
    r->status = CELL_FAILED;
    r->reason[0] = '\0';
    r->rank = o->rank;
    snprintf(r->host, sizeof r->host, "%.63s", o->host);
    cell_run_path(o->out_dir, c, path, sizeof path);
    snprintf(part, sizeof part, "%s.part", path);
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", path);
    snprintf(dir, sizeof dir, "%s", path);
    ms_error_clear();
    dataset_t train = {0}, test = {0};
    trainer_t tr;
    runlog_t *log = NULL;
    bool trainer_made = false, resumed = false, stopped = false;
    final_metrics_t final;
    stop_check_t check = {should_stop, ctx, o->cell_timeout > 0 ? r->start + o->cell_timeout : 0, false, false};
    int rc = sweep_make_dirs(dirname(dir)) == 0 ? MS_OK : ms_fail(MS_ERR_RUN, "cannot create %s: %s", dir, strerror(errno));
    rc = rc ? rc : task_generate(&c->cfg.setting, &train, &test);
    if (rc == MS_OK && (rc = trainer_create(&tr, &c->cfg, &train, &test)) == MS_OK)
        trainer_made = true;
    rc = rc ? rc : open_run(o, c, attempt, part, ckpt, &tr, &train, &test, &log, &resumed);
    if (rc == MS_OK) {
        train_hooks_t hooks = {.ctx = &check, .stop = stop_now, .checkpoint = ckpt};
        rc = train_run(&c->cfg, &train, &test, log, &hooks, &tr, &final, &stopped);
    }
    int closed = runlog_close(log);
    rc = rc ? rc : closed;
    if (rc == MS_OK && !stopped && rename(part, path) != 0)
        rc = ms_fail(MS_ERR_RUN, "cannot rename %s to %s: %s", part, path, strerror(errno));
    if (rc == MS_OK && !stopped)
        unlink(ckpt);
    if (rc != MS_OK) {
        snprintf(r->reason, sizeof r->reason, "error: %s", ms_error_message());
    } else if (stopped) {
        r->status = check.timed_out ? CELL_TIMEOUT : CELL_STOPPED;
        snprintf(r->reason, sizeof r->reason, "%s at epoch %d step %lld (checkpointed)",
                 check.timed_out ? "cell timeout" : "stop requested", tr.epoch, (long long)tr.step);
    } else if (strcmp(final.stop_reason, "nan") == 0) {
        snprintf(r->reason, sizeof r->reason, "nan");
    } else {
        r->status = CELL_OK;
        snprintf(r->reason, sizeof r->reason, "%s%s: mad %.4f token %.4f after %d epochs", final.stop_reason,
                 resumed ? " (resumed)" : "", final.mad_accuracy, final.token_accuracy, final.epochs_run);
    }
    if (trainer_made)
        trainer_free(&tr);
    dataset_free(&train);
    dataset_free(&test);
    r->end = wall_now();
    return MS_OK;
}
