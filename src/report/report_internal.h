/* Shared by the report's modules only: the runs read, the (variant, task, setting, seed)
 * groups they fall into, and the table cells. */
#ifndef MADSWEEP_REPORT_INTERNAL_H
#define MADSWEEP_REPORT_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "madsweep/report.h"
#include "madsweep/sweep.h"

enum {
    REPORT_MAX_TASKS = 16,
    REPORT_NAME_LEN = 128,    /* variant names */
    REPORT_SETTING_LEN = 512, /* a setting's canonical JSON */
    REPORT_PATH_LEN = 512,    /* a run file's path relative to DIR */
};

/* One run file under its final name. */
typedef struct report_run {
    char variant[REPORT_NAME_LEN];
    int task;                         /* index for task_at */
    char setting[REPORT_SETTING_LEN]; /* canonical JSON (report_setting_canonical) */
    char label[SETTING_LABEL_MAX];    /* "baseline" or "seq_len=64,num_train=800" */
    long long seed;
    double lr, wd, mad, token;
    int epochs_run;
    char stop_reason[32];
    char key[64];                     /* the file name without .h5 */
    char path[REPORT_PATH_LEN];       /* runs/<variant>/<task>/<key>.h5 */
    bool finished;                    /* has /final */
    bool in_sweep;                    /* its key is a cell of sweep.json */
} report_run_t;

/* One (variant, task, setting, seed): a row of summary_detail.csv. */
typedef struct report_group {
    int variant;                      /* index into report_t.variants */
    int task;
    char setting[REPORT_SETTING_LEN];
    char label[SETTING_LABEL_MAX];
    long long seed;
    bool expected;                    /* in sweep.json, or (without it) in the cross of what exists */
    int best;                         /* index into runs of the chosen run; -1 when none succeeded */
    int n_runs, n_failed;             /* run files, and those that failed or never finished */
    int n_grid_missing;               /* sweep.json's grid points of the group with no run file */
    char note[200];                   /* why it has no result: ledger statuses of missing grid points */
} report_group_t;

/* One (variant, task): a cell of the table. */
typedef struct report_cell {
    double mean, std;  /* over seeds; std is the sample one, NaN with fewer than two seeds */
    int n_seeds;       /* seeds with a task score; 0: an empty cell */
    int have, want;    /* (setting, seed) groups with a result / expected */
    double reference, difference; /* NaN when there is none */
} report_cell_t;

typedef struct report {
    const report_options_t *opt;
    report_result_t *result;
    report_run_t *runs;
    int n_runs;
    char (*unreadable)[REPORT_PATH_LEN + 200]; /* path: why */
    int n_unreadable;
    sweep_t sweep;      /* sweep.json's cells (none without it) */
    report_group_t *groups; /* sorted: variant, task, label, setting, seed */
    int n_groups;
    char (*variants)[REPORT_NAME_LEN]; /* sorted by name */
    int n_variants, n_tasks;
    report_cell_t *cells;   /* [variant * n_tasks + task] */
    bool has_reference;
    int n_reference_only;   /* reference rows with no row here */
    int n_extra_runs;       /* run files that are not cells of sweep.json */
} report_t;

/* report_runs.c: every DIR/runs/<variant>/<task>/<key>.h5 (not .part, .ckpt, .tmp). */
int report_runs_read(report_t *r);
/* report_expect.c: DIR/sweep.json's cells (a warning, not an error, when it cannot be read). */
int report_expected_read(report_t *r);
/* Without sweep.json: the cross of the settings and seeds seen per (variant, task) is what is
 * expected; its holes become groups without a result. Needs groups sorted by identity. */
int report_holes_add(report_t *r);
/* report_reduce.c: groups (with ledger notes), variants and cells. */
int report_reduce(report_t *r);
/* report_setting.c */
int report_setting_canonical(const cJSON *setting, char *out, size_t len);
void report_setting_label(const cJSON *setting, int task, char *out, size_t len);
/* The metric's value of a run. */
double report_run_score(const report_t *r, const report_run_t *run);
bool report_run_succeeded(const report_run_t *run);
/* report_reference.c: reads the reference into cells' reference and difference. */
int report_reference_read(report_t *r);
/* report_csv.c */
int report_csv_write(const report_t *r);
/* ok, partial (a result, but grid points without run files), failed (run files, none
 * succeeded) or missing (no run file). */
const char *report_group_status(const report_group_t *g);
/* Why a group is not ok, for people: failed runs and the ledger's word on missing grid points. */
void report_group_note(const report_group_t *g, char *out, size_t len);
/* report_markdown.c */
int report_markdown_write(const report_t *r);
/* report_h5.c */
int report_h5_write(const report_t *r);
/* report_plot.c: runs the plotting script; failure is a warning. */
void report_plot(report_t *r);

/* report.c: files are written as PATH.tmp and renamed when whole. */
FILE *report_file_open(const report_t *r, const char *name, char *tmp, size_t len);
int report_file_commit(const report_t *r, FILE *f, const char *tmp, const char *name);
void report_warn(report_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The CSV's last column for a variant: "" when complete, else "Compress 5/6;Memorize 0/4" (have/want
 * groups), led by "unknown" without sweep.json. */
void report_incomplete_text(const report_t *r, int variant, char *out, size_t len);
const report_cell_t *report_cell(const report_t *r, int variant, int task);

/* The plotting script's text, embedded at build time (CMakeLists.txt). */
extern const unsigned char report_plot_script[];

#endif
