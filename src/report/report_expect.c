/* What should exist: DIR/sweep.json, the sweep text the runner keeps beside its runs, expanded
 * into cells exactly as the runner expanded it (sweep_parse). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "madsweep/error.h"
#include "report_internal.h"

static int by_key(const void *a, const void *b)
{
    return strcmp((*(const cell_t *const *)a)->key, (*(const cell_t *const *)b)->key);
}

/* Marks the runs that are cells of the sweep; the others (an earlier sweep into the same folder,
 * a run made by hand) still count, and summary.md says how many there are. */
static int mark_runs_in_sweep(report_t *r)
{
    const cell_t **sorted = malloc(sizeof *sorted * (size_t)(r->sweep.n_cells ? r->sweep.n_cells : 1));
    if (!sorted)
        return ms_fail(MS_ERR_RUN, "out of memory reading the sweep of '%s'", r->opt->dir);
    for (int i = 0; i < r->sweep.n_cells; i++)
        sorted[i] = &r->sweep.cells[i];
    qsort(sorted, (size_t)r->sweep.n_cells, sizeof *sorted, by_key);
    for (int i = 0; i < r->n_runs; i++) {
        cell_t probe;
        const cell_t *p = &probe;
        size_t len = strlen(r->runs[i].key);
        memcpy(probe.key, r->runs[i].key, len < CELL_KEY_LEN ? len + 1 : CELL_KEY_LEN);
        probe.key[CELL_KEY_LEN] = '\0';
        r->runs[i].in_sweep =
            len == CELL_KEY_LEN && bsearch(&p, sorted, (size_t)r->sweep.n_cells, sizeof *sorted, by_key) != NULL;
        r->n_extra_runs += !r->runs[i].in_sweep;
    }
    free(sorted);
    return MS_OK;
}

int report_expected_read(report_t *r)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.json", r->opt->dir);
    r->result->completeness_known = false;
    if (access(path, F_OK) != 0)
        return MS_OK;
    char *text = NULL;
    int rc = sweep_read_text(path, &text);
    rc = rc ? rc : sweep_parse(path, text, &r->sweep);
    free(text);
    if (rc != MS_OK) {
        report_warn(r, "completeness unknown: %s", ms_error_message());
        ms_error_clear();
        sweep_free(&r->sweep);
        return MS_OK;
    }
    r->result->completeness_known = true;
    return mark_runs_in_sweep(r);
}

/* Without sweep.json the expected groups are the cross of the settings and seeds seen for each
 * (variant, task): a hole in it is marked like a missing cell. */
int report_holes_add(report_t *r)
{
    int n = r->n_groups;
    for (int i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && r->groups[j].variant == r->groups[i].variant && r->groups[j].task == r->groups[i].task;
             j++)
            ;
        for (int s = i; s < j; s++) {
            if (s > i && strcmp(r->groups[s].setting, r->groups[s - 1].setting) == 0)
                continue; /* one pass per distinct setting */
            for (int k = i; k < j; k++) {
                bool first_seed = true, present = false;
                for (int m = i; m < k && first_seed; m++)
                    first_seed = r->groups[m].seed != r->groups[k].seed;
                for (int m = s; m < j && strcmp(r->groups[m].setting, r->groups[s].setting) == 0; m++)
                    present = present || r->groups[m].seed == r->groups[k].seed;
                if (!first_seed || present)
                    continue;
                report_group_t *more = realloc(r->groups, sizeof *more * (size_t)(r->n_groups + 1));
                if (!more)
                    return ms_fail(MS_ERR_RUN, "out of memory");
                r->groups = more;
                report_group_t *g = &r->groups[r->n_groups++];
                *g = r->groups[s];
                g->seed = r->groups[k].seed;
                g->expected = true;
                g->best = -1;
                g->n_runs = g->n_failed = g->n_grid_missing = 0;
                snprintf(g->note, sizeof g->note, "no run file for this setting and seed (other seeds have one)");
            }
        }
    }
    return MS_OK;
}
