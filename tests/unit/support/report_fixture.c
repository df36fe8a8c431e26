/* The report's test folder: the sweep, run files and ledger whose accuracies are tabled in
 * tests/unit/test_report.c, written with runlog_open/runlog_finish and ledger_append. */
#define _XOPEN_SOURCE 700

#include "report_fixture.h"

#include <CUnit/CUnit.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "madsweep/ledger.h"
#include "madsweep/runlog.h"

const char *const REPORT_FIXTURE_SWEEP =
    "{\"name\": \"report_test\", \"variants\": [\"delta_net_4layer\", "
    "\"delta_net_4layer_decay_state_update_in_for_loop\", \"gated_delta_net_4layer\"],"
    " \"tasks\": [{\"task\": \"context_recall\", \"settings\": [{\"seq_len\": 32}, {\"seq_len\": 64}]},"
    "            {\"task\": \"memorize\", \"settings\": \"baseline\"}],"
    " \"optimizer\": {\"lr\": [1e-4, 1e-3], \"wd\": [0]}, \"seeds\": [1, 2], \"protocol\": {\"epochs\": 2}}";

/* The table of test_report.c: false where the run has no file; stop "nan" for a NaN run. */
static bool run_accuracy(const run_config_t *c, double *mad, double *token, const char **stop)
{
    static const double a_recall[2][2][2][2] = {/* [seq_len 64][seed 2][lr 1e-3][token] */
                                                {{{0.50, 0.60}, {0.75, 0.70}}, {{0.625, 0.55}, {0.25, 0.80}}},
                                                {{{0.375, 0.40}, {0.125, 0.10}}, {{0.50, 0.50}, {0.875, 0.90}}}};
    static const double b_recall[2][2][2][2] = {{{{0.20, 0.25}, {0.99, 0.99}}, {{0.30, 0.30}, {0.40, 0.35}}},
                                                {{{0.10, 0.15}, {0.15, 0.10}}, {{0.35, 0.30}, {0.25, 0.40}}}};
    const char *v = c->variant->name;
    bool a = strcmp(v, "delta_net_4layer") == 0, memorize = strcmp(c->setting.task->name, "memorize") == 0;
    int s = c->setting.seq_len == 64, k = c->seed == 2, l = c->lr > 5e-4;
    *stop = "epochs";
    if (strcmp(v, "gated_delta_net_4layer") == 0 || (memorize && k))
        return false;
    if (memorize) {
        *mad = a ? (l ? 0.40 : 0.30) : 0.99;
        *token = a ? (l ? 0.45 : 0.35) : 0.99;
        *stop = a ? "epochs" : "nan";
        return true;
    }
    const double *x = a ? a_recall[s][k][l] : b_recall[s][k][l];
    *mad = x[0], *token = x[1];
    if (!a && !s && !k && l)
        *stop = "nan";
    return true;
}

static int write_run(const char *dir, const cell_t *cell, double mad, double token, const char *stop)
{
    char path[1024], config[4096], parent[1024];
    cell_run_path(dir, cell, path, sizeof path);
    snprintf(parent, sizeof parent, "%s", path);
    run_config_to_json(&cell->cfg, config, sizeof config);
    runlog_t *log = NULL;
    epoch_row_t row = {.epoch = 0, .test_loss = 1.0, .test_perplexity = 2.718, .token_accuracy = token,
                       .mad_accuracy = mad};
    final_metrics_t final = {.best_epoch = 0, .token_accuracy = token, .mad_accuracy = mad,
                             .max_token_accuracy = token, .max_mad_accuracy = mad, .epochs_run = 2,
                             .stop_reason = stop};
    int rc = sweep_make_dirs(dirname(parent)) ? -1 : runlog_open(&log, path, config);
    rc = rc ? rc : runlog_append_epoch(log, &row);
    rc = rc ? rc : runlog_finish(log, &final);
    return runlog_close(log) || rc;
}

/* The ledger's word on the two missing memorize runs of A, seed 2. */
static int write_ledger(const char *dir, const sweep_t *s)
{
    ledger_t l;
    int rc = ledger_open(&l, dir);
    for (int i = 0; rc == 0 && i < s->n_cells; i++) {
        const run_config_t *c = &s->cells[i].cfg;
        if (strcmp(c->variant->name, "delta_net_4layer") || strcmp(c->setting.task->name, "memorize") || c->seed != 2)
            continue;
        bool failed = c->lr < 5e-4;
        ledger_record_t rec = {&s->cells[i], failed ? CELL_FAILED : CELL_TIMEOUT,
                               failed ? "error: out of memory" : "checkpoint in KEY.h5.ckpt", 1, "host", 0, 1, 1};
        rc = ledger_append(&l, &rec);
    }
    ledger_close(&l);
    return rc;
}

/* A fresh folder holding the sweep; with_sweep_json false leaves sweep.json out, and
 * drop_a64_seed2 deletes A's context_recall seq_len 64 seed 2 runs (a hole). */
char *report_fixture_create(bool with_sweep_json, bool drop_a64_seed2)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/madsweep_report_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    sweep_t s = {0};
    CU_ASSERT_FATAL(sweep_parse("report_test.json", REPORT_FIXTURE_SWEEP, &s) == 0);
    CU_ASSERT_EQUAL(s.n_cells, 3 * 3 * 2 * 2);
    for (int i = 0; i < s.n_cells; i++) {
        const run_config_t *c = &s.cells[i].cfg;
        double mad, token;
        const char *stop;
        bool hole = drop_a64_seed2 && strcmp(c->variant->name, "delta_net_4layer") == 0 &&
                    c->setting.seq_len == 64 && c->seed == 2 && strcmp(c->setting.task->name, "context_recall") == 0;
        if (run_accuracy(c, &mad, &token, &stop) && !hole)
            CU_ASSERT_FATAL(write_run(dir, &s.cells[i], mad, token, stop) == 0);
    }
    CU_ASSERT_FATAL(write_ledger(dir, &s) == 0);
    const char *decoys[] = {"x.h5.part", "x.h5.ckpt", "x.h5.ckpt.tmp"}; /* a run in progress is not read */
    for (int i = 0; i < 3; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s/runs/delta_net_4layer/context_recall/%s", dir, decoys[i]);
        FILE *f = fopen(path, "w");
        CU_ASSERT_FATAL(f && fputs("partial", f) >= 0 && fclose(f) == 0);
    }
    if (with_sweep_json) {
        char path[128];
        snprintf(path, sizeof path, "%s/sweep.json", dir);
        FILE *f = fopen(path, "w");
        CU_ASSERT_FATAL(f && fputs(REPORT_FIXTURE_SWEEP, f) >= 0 && fclose(f) == 0);
    }
    sweep_free(&s);
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void report_fixture_remove(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* The whole text of DIR/name (malloc'd), or NULL. */
char *report_fixture_slurp(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    char *text = calloc(1, 1 << 16);
    size_t n = f && text ? fread(text, 1, (1 << 16) - 1, f) : 0;
    if (f)
        fclose(f);
    (void)n;
    return f ? text : (free(text), NULL);
}

/* The key (file name) of one cell of the sweep. */
const char *report_fixture_key(const char *variant, const char *task, int seq_len, int seed, double lr)
{
    static char key[CELL_KEY_LEN + 1];
    sweep_t s = {0};
    key[0] = '\0';
    CU_ASSERT_FATAL(sweep_parse("report_test.json", REPORT_FIXTURE_SWEEP, &s) == 0);
    for (int i = 0; i < s.n_cells; i++) {
        const run_config_t *c = &s.cells[i].cfg;
        if (!strcmp(c->variant->name, variant) && !strcmp(c->setting.task->name, task) &&
            (seq_len == 0 || c->setting.seq_len == seq_len) && c->seed == (uint64_t)seed && c->lr == lr)
            snprintf(key, sizeof key, "%s", s.cells[i].key);
    }
    sweep_free(&s);
    return key;
}
