/* The report: a sweep's run files reduced to the summary table of protocol.md §3, with the
 * detail behind every cell, an HDF5 copy and pictures (layouts in docs/formats.md, "Summary").
 *
 *   for each (variant, task, setting, seed): the best successful run over the optimiser grid
 *   task score of (variant, seed): the mean of those over the task's settings
 *   table cell: the mean over seeds, with the standard deviation and the seed count
 *
 * DIR/sweep.json (kept by the runner) says which cells should exist, so a cell that lacks
 * settings or seeds is marked incomplete rather than averaged silently; DIR/ledger.tsv says why
 * a run file is missing. Without sweep.json the report covers what exists and says that
 * completeness is unknown. */
#ifndef MADSWEEP_REPORT_H
#define MADSWEEP_REPORT_H

#include <stdbool.h>

typedef enum report_metric {
    REPORT_METRIC_MAD,   /* /final mad_accuracy (the published tables' metric; the default) */
    REPORT_METRIC_TOKEN, /* /final token_accuracy */
} report_metric_t;

typedef struct report_options {
    const char *dir;       /* the sweep's output folder: DIR/runs, DIR/sweep.json, DIR/ledger.tsv */
    const char *reference; /* a CSV in the layout of shared/reference/seed_results.csv, or NULL */
    report_metric_t metric;
    bool plots;            /* run the plotting script (scripts/plot_report.py) after the tables */
} report_options_t;

enum { REPORT_MAX_WARNINGS = 8, REPORT_WARNING_LEN = 600 };

/* What a report found, for the command to print. */
typedef struct report_result {
    int n_variants, n_runs;  /* rows of the table; run files read */
    int n_failed_runs;       /* whole runs that failed (stop reason nan) or never finished */
    int n_unreadable;        /* run files that could not be read (listed in summary.md) */
    int n_incomplete_cells;  /* (variant, task) cells missing some of their settings or seeds */
    bool completeness_known; /* DIR/sweep.json was there and readable */
    int n_pictures;          /* PNG files written; 0 when plotting was skipped or failed */
    char warnings[REPORT_MAX_WARNINGS][REPORT_WARNING_LEN]; /* one line each */
    int n_warnings;
} report_result_t;

/* Writes DIR/summary.csv, summary_detail.csv, summary.md, summary.h5 (and with a reference
 * summary_vs_reference.csv), then the pictures. Problems that leave the numbers right (an
 * unreadable run file, plotting unavailable) are warnings in *result; only a folder that holds
 * no sweep, a bad reference or an output that cannot be written is an error. */
int report_write(const report_options_t *opt, report_result_t *result);

/* "mad" / "token" */
const char *report_metric_name(report_metric_t m);

#endif
