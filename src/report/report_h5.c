/* summary.h5: the report's numbers as tables with named columns (docs/formats.md):
 *   /summary     one row per variant: variant, one column per task title, incomplete (= summary.csv)
 *   /difference  the same layout, this minus the reference (only with --reference)
 *   /cells       one row per (variant, task): mean, std, n_seeds, have, want, reference, difference
 *   /detail      one row per (variant, task, setting, seed) (= summary_detail.csv, plus the run path)
 * NaN marks an empty value. Written to summary.h5.tmp and renamed when whole. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/h5util.h"
#include "madsweep/task.h"
#include "report_internal.h"

typedef struct wide_row {
    const char *variant;
    double score[REPORT_MAX_TASKS];
    const char *incomplete;
} wide_row_t;

typedef struct cell_row {
    const char *variant, *task, *title;
    double mean, std;
    int32_t n_seeds, have, want;
    double reference, difference;
} cell_row_t;

typedef struct detail_row {
    const char *variant, *task, *setting, *setting_json, *status;
    int64_t seed;
    double lr, wd, mad_accuracy, token_accuracy, score;
    int32_t epochs_run;
    const char *stop_reason, *key, *path;
    int32_t runs, failed_runs;
    const char *note;
} detail_row_t;

static hid_t string_type(void)
{
    hid_t s = H5Tcopy(H5T_C_S1);
    H5Tset_size(s, H5T_VARIABLE);
    H5Tset_cset(s, H5T_CSET_UTF8);
    return s;
}

#define MEMBER(t, row, field, type) H5Tinsert(t, #field, HOFFSET(row, field), type)

static hid_t wide_type(const report_t *r, hid_t str)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(wide_row_t));
    MEMBER(t, wide_row_t, variant, str);
    for (int i = 0; i < r->n_tasks; i++)
        H5Tinsert(t, task_at(i)->title, HOFFSET(wide_row_t, score) + (size_t)i * sizeof(double), H5T_NATIVE_DOUBLE);
    MEMBER(t, wide_row_t, incomplete, str);
    return t;
}

static hid_t cell_type(hid_t str)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(cell_row_t));
    MEMBER(t, cell_row_t, variant, str), MEMBER(t, cell_row_t, task, str), MEMBER(t, cell_row_t, title, str);
    MEMBER(t, cell_row_t, mean, H5T_NATIVE_DOUBLE), MEMBER(t, cell_row_t, std, H5T_NATIVE_DOUBLE);
    MEMBER(t, cell_row_t, n_seeds, H5T_NATIVE_INT32), MEMBER(t, cell_row_t, have, H5T_NATIVE_INT32);
    MEMBER(t, cell_row_t, want, H5T_NATIVE_INT32), MEMBER(t, cell_row_t, reference, H5T_NATIVE_DOUBLE);
    MEMBER(t, cell_row_t, difference, H5T_NATIVE_DOUBLE);
    return t;
}

static hid_t detail_type(hid_t str)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(detail_row_t));
    MEMBER(t, detail_row_t, variant, str), MEMBER(t, detail_row_t, task, str);
    MEMBER(t, detail_row_t, setting, str), MEMBER(t, detail_row_t, setting_json, str);
    MEMBER(t, detail_row_t, status, str), MEMBER(t, detail_row_t, seed, H5T_NATIVE_INT64);
    MEMBER(t, detail_row_t, lr, H5T_NATIVE_DOUBLE), MEMBER(t, detail_row_t, wd, H5T_NATIVE_DOUBLE);
    MEMBER(t, detail_row_t, mad_accuracy, H5T_NATIVE_DOUBLE);
    MEMBER(t, detail_row_t, token_accuracy, H5T_NATIVE_DOUBLE);
    MEMBER(t, detail_row_t, score, H5T_NATIVE_DOUBLE), MEMBER(t, detail_row_t, epochs_run, H5T_NATIVE_INT32);
    MEMBER(t, detail_row_t, stop_reason, str), MEMBER(t, detail_row_t, key, str);
    MEMBER(t, detail_row_t, path, str), MEMBER(t, detail_row_t, runs, H5T_NATIVE_INT32);
    MEMBER(t, detail_row_t, failed_runs, H5T_NATIVE_INT32), MEMBER(t, detail_row_t, note, str);
    return t;
}

static int table_write(hid_t file, const char *name, hid_t type, const void *rows, int n)
{
    hid_t d = type < 0 ? H5I_INVALID_HID : h5_table_create(file, name, type, 64);
    int rc = d < 0 ? MS_ERR_RUN : h5_table_append(d, type, rows, (size_t)n);
    if (d >= 0)
        H5Dclose(d);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

static int wide_write(const report_t *r, hid_t file, hid_t str, const char *name, bool difference)
{
    wide_row_t *rows = calloc((size_t)(r->n_variants + 1), sizeof *rows);
    char (*incomplete)[1024] = calloc((size_t)(r->n_variants + 1), sizeof *incomplete);
    int rc = rows && incomplete ? MS_OK : ms_fail(MS_ERR_RUN, "out of memory");
    for (int v = 0; rc == MS_OK && v < r->n_variants; v++) {
        rows[v].variant = r->variants[v];
        for (int t = 0; t < r->n_tasks; t++) {
            const report_cell_t *c = report_cell(r, v, t);
            rows[v].score[t] = difference ? c->difference : c->n_seeds ? c->mean : NAN;
        }
        report_incomplete_text(r, v, incomplete[v], sizeof incomplete[v]);
        rows[v].incomplete = incomplete[v];
    }
    rc = rc ? rc : table_write(file, name, wide_type(r, str), rows, r->n_variants);
    free(rows);
    free(incomplete);
    return rc;
}

static int cells_write(const report_t *r, hid_t file, hid_t str)
{
    int n = r->n_variants * r->n_tasks;
    cell_row_t *rows = calloc((size_t)(n + 1), sizeof *rows);
    if (!rows)
        return ms_fail(MS_ERR_RUN, "out of memory");
    for (int i = 0; i < n; i++) {
        const report_cell_t *c = &r->cells[i];
        const task_def_t *task = task_at(i % r->n_tasks);
        rows[i] = (cell_row_t){r->variants[i / r->n_tasks], task->name, task->title, c->n_seeds ? c->mean : NAN,
                               c->std, c->n_seeds, c->have, c->want, c->reference, c->difference};
    }
    int rc = table_write(file, "cells", cell_type(str), rows, n);
    free(rows);
    return rc;
}

static int detail_write(const report_t *r, hid_t file, hid_t str)
{
    detail_row_t *rows = calloc((size_t)(r->n_groups + 1), sizeof *rows);
    char (*notes)[512] = calloc((size_t)(r->n_groups + 1), sizeof *notes);
    if (!rows || !notes) {
        free(rows);
        free(notes);
        return ms_fail(MS_ERR_RUN, "out of memory");
    }
    for (int i = 0; i < r->n_groups; i++) {
        const report_group_t *g = &r->groups[i];
        const report_run_t *run = g->best >= 0 ? &r->runs[g->best] : NULL;
        report_group_note(g, notes[i], sizeof notes[i]);
        rows[i] = (detail_row_t){r->variants[g->variant], task_at(g->task)->name, g->label, g->setting,
                                 report_group_status(g), g->seed, NAN, NAN, NAN, NAN, NAN, 0, "", "", "",
                                 g->n_runs, g->n_failed, notes[i]};
        if (run) {
            rows[i].lr = run->lr, rows[i].wd = run->wd, rows[i].epochs_run = run->epochs_run;
            rows[i].mad_accuracy = run->mad, rows[i].token_accuracy = run->token;
            rows[i].score = report_run_score(r, run);
            rows[i].stop_reason = run->stop_reason, rows[i].key = run->key, rows[i].path = run->path;
        }
    }
    int rc = table_write(file, "detail", detail_type(str), rows, r->n_groups);
    free(rows);
    free(notes);
    return rc;
}

int report_h5_write(const report_t *r)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/summary.h5", r->opt->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    hid_t file = h5_create_as(tmp, "summary");
    if (file < 0)
        return MS_ERR_RUN;
    hid_t str = string_type();
    int rc = h5_attr_string(file, "metric", report_metric_name(r->opt->metric));
    rc = rc ? rc : h5_attr_string(file, "completeness", r->result->completeness_known ? "known" : "unknown");
    rc = rc ? rc : h5_attr_string(file, "sweep", r->sweep.name);
    rc = rc ? rc : h5_attr_string(file, "reference", r->has_reference ? r->opt->reference : "");
    rc = rc ? rc : wide_write(r, file, str, "summary", false);
    if (rc == MS_OK && r->has_reference)
        rc = wide_write(r, file, str, "difference", true);
    rc = rc ? rc : cells_write(r, file, str);
    rc = rc ? rc : detail_write(r, file, str);
    H5Tclose(str);
    int closed = h5_close(file);
    rc = rc ? rc : closed;
    if (rc == MS_OK && rename(tmp, path) != 0)
        rc = ms_fail(MS_ERR_RUN, "cannot rename '%s' to '%s' (check the folder's permissions)", tmp, path);
    if (rc != MS_OK)
        remove(tmp);
    return rc;
}
