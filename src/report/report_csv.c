/* summary.csv (the reference layout plus a trailing `incomplete` column), summary_detail.csv
 * (one row per variant, task, setting, seed) and, with a reference, summary_vs_reference.csv
 * (summary.csv's layout holding this minus the reference). Layouts: docs/formats.md. */
#include <math.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/task.h"
#include "report_internal.h"

/* A field, quoted when it holds a comma, a quote or a line end (RFC 4180). */
static void csv_field(FILE *f, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (const char *p = s; *p; p++)
            fputs(*p == '"' ? "\"\"" : (char[]){*p, '\0'}, f);
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void csv_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.6f", x);
    fputc(',', f);
}

/* difference: false for the table itself, true for this minus the reference. */
static int table_write(const report_t *r, const char *name, bool difference)
{
    char tmp[4200], incomplete[1024];
    FILE *f = report_file_open(r, name, tmp, sizeof tmp);
    if (!f)
        return MS_ERR_RUN;
    fputs("variant", f);
    for (int t = 0; t < r->n_tasks; t++)
        fprintf(f, ",%s", task_at(t)->title);
    fputs(",incomplete\n", f);
    for (int v = 0; v < r->n_variants; v++) {
        csv_field(f, r->variants[v], false);
        for (int t = 0; t < r->n_tasks; t++) {
            const report_cell_t *c = report_cell(r, v, t);
            csv_number(f, difference ? c->difference : c->n_seeds ? c->mean : NAN);
        }
        report_incomplete_text(r, v, incomplete, sizeof incomplete);
        csv_field(f, incomplete, true);
    }
    return report_file_commit(r, f, tmp, name);
}

const char *report_group_status(const report_group_t *g)
{
    if (g->best >= 0)
        return g->n_grid_missing ? "partial" : "ok";
    return g->n_runs ? "failed" : "missing";
}

void report_group_note(const report_group_t *g, char *out, size_t len)
{
    int used = 0;
    out[0] = '\0';
    if (g->n_failed)
        used = snprintf(out, len, "%d of %d run(s) failed or unfinished", g->n_failed, g->n_runs);
    if (g->note[0] && used >= 0 && (size_t)used < len)
        snprintf(out + used, len - (size_t)used, "%s%s", used ? "; " : "", g->note);
}

static int detail_write(const report_t *r)
{
    char tmp[4200], text[512];
    const char *name = "summary_detail.csv";
    FILE *f = report_file_open(r, name, tmp, sizeof tmp);
    if (!f)
        return MS_ERR_RUN;
    fputs("variant,task,setting,seed,status,lr,wd,mad_accuracy,token_accuracy,epochs_run,stop_reason,key,runs,"
          "failed_runs,note\n", f);
    for (int i = 0; i < r->n_groups; i++) {
        const report_group_t *g = &r->groups[i];
        const report_run_t *run = g->best >= 0 ? &r->runs[g->best] : NULL;
        csv_field(f, r->variants[g->variant], false);
        csv_field(f, task_at(g->task)->name, false);
        csv_field(f, g->label, false);
        fprintf(f, "%lld,%s,", g->seed, report_group_status(g));
        if (run)
            fprintf(f, "%g,%g,%.6f,%.6f,%d,%s,%s,", run->lr, run->wd, run->mad, run->token, run->epochs_run,
                    run->stop_reason, run->key);
        else
            fputs(",,,,,,,", f);
        fprintf(f, "%d,%d,", g->n_runs, g->n_failed);
        report_group_note(g, text, sizeof text);
        csv_field(f, text, true);
    }
    return report_file_commit(r, f, tmp, name);
}

int report_csv_write(const report_t *r)
{
    int rc = table_write(r, "summary.csv", false);
    rc = rc ? rc : detail_write(r);
    if (rc == MS_OK && r->has_reference)
        rc = table_write(r, "summary_vs_reference.csv", true);
    return rc;
}
