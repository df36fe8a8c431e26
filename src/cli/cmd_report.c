/* madsweep report DIR: the summary table of a sweep's runs (report.h, docs/formats.md). Also run
 * by madsweep sweep when it ends. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "madsweep/error.h"
#include "madsweep/report.h"

static void print_result(const char *who, const report_options_t *o, const report_result_t *r)
{
    printf("%s: wrote %s/summary.csv, summary_detail.csv, summary.md, summary.h5%s: %d variant(s) from %d run "
           "file(s), %d failed; %s accuracy\n",
           who, o->dir, o->reference ? ", summary_vs_reference.csv" : "", r->n_variants, r->n_runs,
           r->n_failed_runs, o->metric == REPORT_METRIC_TOKEN ? "token" : "MAD");
    if (!r->completeness_known)
        printf("%s: completeness unknown: %s/sweep.json is missing or unreadable\n", who, o->dir);
    else if (r->n_incomplete_cells)
        printf("%s: %d incomplete cell(s), marked in the tables: see %s/summary.md\n", who, r->n_incomplete_cells,
               o->dir);
    if (r->n_pictures)
        printf("%s: %d picture(s): %s/summary_*.png\n", who, r->n_pictures, o->dir);
    for (int i = 0; i < r->n_warnings; i++)
        fprintf(stderr, "%s: warning: %s\n", who, r->warnings[i]);
    fflush(stdout);
}

int cmd_report(int argc, char **argv)
{
    cli_options_t o;
    int rc = cli_parse(argc, argv, 2, "report", "reference,metric", &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return ms_fail(MS_ERR_INPUT, "expected one folder: the sweep's output folder (its --out)");
    report_options_t ro = {.dir = o.positional[0], .reference = o.reference, .plots = true};
    if (o.metric && strcmp(o.metric, "token") == 0)
        ro.metric = REPORT_METRIC_TOKEN;
    else if (o.metric && strcmp(o.metric, "mad") != 0)
        return ms_fail(MS_ERR_INPUT, "--metric %s: expected mad or token", o.metric);
    report_result_t result;
    rc = report_write(&ro, &result);
    if (rc == MS_OK)
        print_result("madsweep report", &ro, &result);
    return rc;
}

void cli_report_after_sweep(const char *dir)
{
    char kept[1024];
    snprintf(kept, sizeof kept, "%s", ms_error_message());
    report_options_t ro = {.dir = dir, .plots = true};
    report_result_t result;
    ms_error_clear();
    if (report_write(&ro, &result) == MS_OK)
        print_result("madsweep report", &ro, &result);
    else
        fprintf(stderr, "madsweep sweep: warning: the report failed: %s (run madsweep report %s)\n",
                ms_error_message(), dir);
    ms_error_clear();
    if (kept[0])
        ms_fail(MS_ERR_RUN, "%s", kept);
}
