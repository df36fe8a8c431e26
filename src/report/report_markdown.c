/* summary.md: the table for people, with mean ± standard deviation (seeds), the best variant
 * per task in bold, the difference from a reference, and every missing or failed cell. */
#include <math.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/task.h"
#include "report_internal.h"

enum { MAX_LISTED = 200 }; /* lines per list; the rest are in summary_detail.csv */

static void header_row(const report_t *r, FILE *f)
{
    fputs("| variant |", f);
    for (int t = 0; t < r->n_tasks; t++)
        fprintf(f, " %s |", task_at(t)->title);
    fputs("\n|---|", f);
    for (int t = 0; t < r->n_tasks; t++)
        fputs("---|", f);
    fputc('\n', f);
}

static double best_of_task(const report_t *r, int t)
{
    double best = -INFINITY;
    for (int v = 0; v < r->n_variants; v++)
        if (report_cell(r, v, t)->n_seeds && report_cell(r, v, t)->mean > best)
            best = report_cell(r, v, t)->mean;
    return best;
}

static void table_cell(FILE *f, const report_cell_t *c, double best)
{
    char value[96] = "";
    if (c->n_seeds > 1)
        snprintf(value, sizeof value, "%.4f ± %.4f (%d)", c->mean, c->std, c->n_seeds);
    else if (c->n_seeds)
        snprintf(value, sizeof value, "%.4f (1)", c->mean);
    bool bold = c->n_seeds && c->mean == best;
    fprintf(f, " %s%s%s", bold ? "**" : "", value, bold ? "**" : "");
    if (c->have < c->want)
        fprintf(f, " *incomplete %d/%d*", c->have, c->want);
    fputs(" |", f);
}

static void tables_write(const report_t *r, FILE *f)
{
    double best[REPORT_MAX_TASKS];
    for (int t = 0; t < r->n_tasks; t++)
        best[t] = best_of_task(r, t);
    header_row(r, f);
    for (int v = 0; v < r->n_variants; v++) {
        fprintf(f, "| %s |", r->variants[v]);
        for (int t = 0; t < r->n_tasks; t++)
            table_cell(f, report_cell(r, v, t), best[t]);
        fputc('\n', f);
    }
    fputs("\nA cell is the mean ± sample standard deviation over seeds, with the number of seeds in brackets; an "
          "empty cell has no result. *incomplete h/w*: h of the w (setting, seed) results the cell should have "
          "(see below).\n", f);
    if (!r->has_reference)
        return;
    fprintf(f, "\n## Difference from the reference\n\nThis table minus `%s` (rows matched by variant name; also "
               "in summary_vs_reference.csv). Empty: no value on one side.\n\n", r->opt->reference);
    header_row(r, f);
    for (int v = 0; v < r->n_variants; v++) {
        fprintf(f, "| %s |", r->variants[v]);
        for (int t = 0; t < r->n_tasks; t++) {
            const report_cell_t *c = report_cell(r, v, t);
            if (isfinite(c->difference))
                fprintf(f, " %+.4f (ref %.4f) |", c->difference, c->reference);
            else
                fputs(" |", f);
        }
        fputc('\n', f);
    }
    if (r->n_reference_only)
        fprintf(f, "\n%d reference row(s) name variants that have no row here.\n", r->n_reference_only);
}

static void incomplete_write(const report_t *r, FILE *f)
{
    fprintf(f, "\n## Missing and failed\n\n");
    int listed = 0, total = 0;
    char note[512];
    for (int i = 0; i < r->n_groups; i++) {
        const report_group_t *g = &r->groups[i];
        if (g->best >= 0 && g->n_grid_missing == 0)
            continue;
        if (++total > MAX_LISTED)
            continue;
        listed++;
        report_group_note(g, note, sizeof note);
        fprintf(f, "- %s / %s / %s / seed %lld: **%s**%s%s\n", r->variants[g->variant], task_at(g->task)->title,
                g->label, g->seed, report_group_status(g), note[0] ? ": " : "", note);
    }
    for (int i = 0; i < r->n_runs; i++) {
        const report_run_t *run = &r->runs[i];
        if (report_run_succeeded(run) || ++total > MAX_LISTED)
            continue;
        listed++;
        fprintf(f, "- failed run %s / %s / %s / seed %lld / lr %g wd %g: %s (`%s`)\n", run->variant,
                task_at(run->task)->title, run->label, run->seed, run->lr, run->wd,
                run->finished ? run->stop_reason : "no /final: unfinished", run->path);
    }
    for (int i = 0; i < r->n_unreadable; i++)
        if (++total <= MAX_LISTED && ++listed)
            fprintf(f, "- unreadable, left out: %s\n", r->unreadable[i]);
    if (total == 0)
        fputs("Nothing: every expected (setting, seed) has its best run over the whole grid.\n", f);
    else if (total > listed)
        fprintf(f, "- ... and %d more (summary_detail.csv has every group)\n", total - listed);
    fputs("\nFailed runs (stop reason `nan`, or no `/final`) do not compete for the best over the grid; a "
          "(setting, seed) whose runs all failed has no result and leaves its cell incomplete.\n", f);
}

int report_markdown_write(const report_t *r)
{
    char tmp[4200];
    FILE *f = report_file_open(r, "summary.md", tmp, sizeof tmp);
    if (!f)
        return MS_ERR_RUN;
    const char *metric = r->opt->metric == REPORT_METRIC_TOKEN ? "token accuracy" : "MAD accuracy";
    fprintf(f, "# Summary%s%s\n\n", r->sweep.name[0] ? ": " : "", r->sweep.name);
    fprintf(f, "Folder `%s`: %d run file(s), %d failed or unfinished, %d unreadable; %d variant(s).\n\n",
            r->opt->dir, r->n_runs, r->result->n_failed_runs, r->n_unreadable, r->n_variants);
    fprintf(f, "Score: the %s (protocol.md §2) of each run at its epoch of lowest test perplexity. For each "
               "(variant, task, setting, seed) the best run over the optimiser grid (lr, wd); a seed's task score "
               "is the mean over the task's settings; a cell is the mean over seeds (protocol.md §3). **Bold**: "
               "the best variant of each task.\n\n", metric);
    if (r->result->completeness_known)
        fprintf(f, "Completeness: checked against `sweep.json` (%d cells); %d table cell(s) incomplete.%s\n\n",
                r->sweep.n_cells, r->result->n_incomplete_cells,
                r->n_extra_runs ? " Run files that are not cells of sweep.json are included." : "");
    else
        fputs("Completeness: **unknown** (no readable `sweep.json`): only holes in the settings x seeds seen for "
              "each variant and task can be marked.\n\n", f);
    if (r->n_extra_runs)
        fprintf(f, "%d run file(s) are not cells of sweep.json (an earlier sweep into this folder, or runs made "
                   "by hand); they count like the others.\n\n", r->n_extra_runs);
    tables_write(r, f);
    incomplete_write(r, f);
    fputs("\n## Pictures\n\nWritten by scripts/plot_report.py when python3 with matplotlib and h5py is available "
          "(docs/formats.md): `summary_heatmap.png` (this table), `summary_heatmap_difference.png` (with a "
          "reference), `summary_curves_<variant>.png` (test accuracy per epoch of each chosen run). Pictures "
          "shorten variant names by dropping `delta_net_4layer_` in front and `_in_for_loop` at the end.\n", f);
    return report_file_commit(r, f, tmp, "summary.md");
}
