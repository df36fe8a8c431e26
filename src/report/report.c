/* madsweep report: read, reduce, write the tables, then the pictures (report.h). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "madsweep/error.h"
#include "madsweep/task.h"
#include "report_internal.h"

void report_warn(report_t *r, const char *fmt, ...)
{
    report_result_t *res = r->result;
    if (res->n_warnings == REPORT_MAX_WARNINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->warnings[res->n_warnings], REPORT_WARNING_LEN, fmt, ap);
    va_end(ap);
    for (char *p = res->warnings[res->n_warnings]; *p; p++) /* one line each */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    res->n_warnings++;
}

FILE *report_file_open(const report_t *r, const char *name, char *tmp, size_t len)
{
    snprintf(tmp, len, "%s/%s.tmp", r->opt->dir, name);
    FILE *f = fopen(tmp, "w");
    if (!f)
        ms_fail(MS_ERR_RUN, "cannot write '%s': %s (check the folder's permissions and free space)", tmp,
                strerror(errno));
    return f;
}

int report_file_commit(const report_t *r, FILE *f, const char *tmp, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", r->opt->dir, name);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return ms_fail(MS_ERR_RUN, "cannot write '%s' (check free space)", path);
    }
    return MS_OK;
}

void report_incomplete_text(const report_t *r, int variant, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, "%s", r->result->completeness_known ? "" : "unknown");
    for (int t = 0; t < r->n_tasks && used < len; t++) {
        const report_cell_t *c = report_cell(r, variant, t);
        if (c->have < c->want)
            used += (size_t)snprintf(out + used, len - used, "%s%s %d/%d", used ? ";" : "", task_at(t)->title,
                                     c->have, c->want);
    }
}

static int check_dir(const report_options_t *o)
{
    struct stat st;
    char path[4200];
    if (!o->dir || stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ms_fail(MS_ERR_INPUT, "'%s' is not a folder: give the sweep's output folder (its --out)",
                       o->dir ? o->dir : "");
    snprintf(path, sizeof path, "%s/runs", o->dir);
    bool runs = stat(path, &st) == 0;
    snprintf(path, sizeof path, "%s/sweep.json", o->dir);
    if (!runs && stat(path, &st) != 0)
        return ms_fail(MS_ERR_INPUT, "'%s' holds no sweep (neither runs/ nor sweep.json): give the sweep's output "
                                     "folder, or run madsweep sweep first", o->dir);
    return MS_OK;
}

/* A difference table from an earlier report with a reference would be stale now. */
static void remove_stale(const report_t *r)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary_vs_reference.csv", r->opt->dir);
    if (!r->has_reference)
        remove(path);
}

static void report_free(report_t *r)
{
    free(r->runs);
    free(r->unreadable);
    free(r->groups);
    free(r->variants);
    free(r->cells);
    sweep_free(&r->sweep);
}

int report_write(const report_options_t *opt, report_result_t *result)
{
    memset(result, 0, sizeof *result);
    report_t r;
    memset(&r, 0, sizeof r);
    r.opt = opt;
    r.result = result;
    int rc = check_dir(opt);
    rc = rc ? rc : report_runs_read(&r);
    rc = rc ? rc : report_expected_read(&r);
    rc = rc ? rc : report_reduce(&r);
    rc = rc ? rc : report_reference_read(&r);
    rc = rc ? rc : report_csv_write(&r);
    rc = rc ? rc : report_markdown_write(&r);
    rc = rc ? rc : report_h5_write(&r);
    if (rc == MS_OK) {
        result->n_unreadable = r.n_unreadable;
        if (r.n_unreadable)
            report_warn(&r, "%d run file(s) could not be read and are left out (listed in %s/summary.md)",
                        r.n_unreadable, opt->dir);
        remove_stale(&r);
        if (opt->plots)
            report_plot(&r);
    }
    report_free(&r);
    return rc;
}
