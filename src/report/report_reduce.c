/* From runs to a table (protocol.md §3): runs and expected cells fall into (variant, task,
 * setting, seed) groups; each group's result is its best successful run over the optimiser
 * grid; a seed's task score is the mean over the task's settings; a cell is the mean over seeds.
 * A group without a successful run, or (with sweep.json) with grid points that have no run
 * file, leaves its cell incomplete. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/ledger.h"
#include "madsweep/task.h"
#include "report_internal.h"

/* One expected cell or one run, on its way into a group. */
typedef struct candidate {
    const char *variant, *label, *key;
    int task, run; /* run: index into runs, or -1 for an expected cell */
    char setting[REPORT_SETTING_LEN];
    long long seed;
} candidate_t;

static int identity_cmp(const char *va, int ta, const char *sa, long long ka, const char *vb, int tb,
                        const char *sb, long long kb)
{
    int c = strcmp(va, vb);
    c = c ? c : (ta > tb) - (ta < tb);
    c = c ? c : strcmp(sa, sb);
    return c ? c : (ka > kb) - (ka < kb);
}

static int by_candidate(const void *a, const void *b)
{
    const candidate_t *x = a, *y = b;
    int c = identity_cmp(x->variant, x->task, x->setting, x->seed, y->variant, y->task, y->setting, y->seed);
    return c ? c : (x->run > y->run) - (x->run < y->run); /* expected cells first */
}

static int task_of(const task_def_t *t)
{
    for (int i = 0; i < task_count(); i++)
        if (task_at(i) == t)
            return i;
    return -1;
}

static int fill_candidates(const report_t *r, candidate_t *c)
{
    int n = 0;
    for (int i = 0; i < r->sweep.n_cells; i++, n++) {
        const cell_t *e = &r->sweep.cells[i];
        char text[1024];
        task_setting_to_json(&e->cfg.setting, text, sizeof text);
        c[n] = (candidate_t){e->cfg.variant->name, e->setting, e->key, task_of(e->cfg.setting.task), -1, "",
                             (long long)e->cfg.seed};
        cJSON *setting = cJSON_Parse(text);
        int rc = report_setting_canonical(setting, c[n].setting, sizeof c[n].setting);
        cJSON_Delete(setting);
        if (rc != 0)
            return ms_fail(MS_ERR_RUN, "cannot read the setting of cell %s of '%s/sweep.json'", e->key, r->opt->dir);
    }
    for (int i = 0; i < r->n_runs; i++, n++) {
        const report_run_t *run = &r->runs[i];
        c[n] = (candidate_t){run->variant, run->label, run->key, run->task, i, "", run->seed};
        snprintf(c[n].setting, sizeof c[n].setting, "%s", run->setting);
    }
    return MS_OK;
}

/* The better of two successful runs by the chosen metric; ties go to the other metric, then to
 * the key, so that the choice never depends on the order of the files. */
static bool better(const report_t *r, const report_run_t *a, const report_run_t *b)
{
    double sa = report_run_score(r, a), sb = report_run_score(r, b);
    if (sa != sb)
        return sa > sb;
    double oa = a->mad + a->token - sa, ob = b->mad + b->token - sb;
    return oa != ob ? oa > ob : strcmp(a->key, b->key) < 0;
}

/* Why grid points of an expected group have no run file, from the ledger's last lines. */
static void grid_note(const ledger_t *l, const candidate_t *c, int n, report_group_t *g)
{
    int counts[5] = {0}, missing = 0, grid = 0;
    char reason[128] = "";
    for (int i = 0; i < n && c[i].run < 0; i++) {
        bool found = false;
        grid++;
        for (int j = i + 1; j < n && !found; j++)
            found = c[j].run >= 0 && strcmp(c[j].key, c[i].key) == 0;
        if (found)
            continue;
        const ledger_entry_t *e = ledger_find(l, c[i].key);
        cell_status_t s = e ? e->last : CELL_TODO;
        counts[s]++;
        missing++;
        if (s == CELL_FAILED)
            snprintf(reason, sizeof reason, "%s", e->reason);
    }
    g->n_grid_missing = missing;
    if (!missing)
        return;
    static const char *const names[] = {"not run", "ok in the ledger but no run file", "failed", "timeout",
                                        "stopped"};
    size_t used = (size_t)snprintf(g->note, sizeof g->note, "%d of %d grid points have no run file:", missing,
                                   grid);
    for (int s = 0, listed = 0; s < 5 && used < sizeof g->note; s++)
        if (counts[s])
            used += (size_t)snprintf(g->note + used, sizeof g->note - used, "%s %d %s%s%s%s", listed++ ? "," : "",
                                     counts[s], names[s],
                                     s == CELL_FAILED && reason[0] ? " (" : "", s == CELL_FAILED ? reason : "",
                                     s == CELL_FAILED && reason[0] ? ")" : "");
}

static void group_from(const report_t *r, const ledger_t *l, const candidate_t *c, int n, report_group_t *g)
{
    memset(g, 0, sizeof *g);
    g->task = c[0].task;
    g->seed = c[0].seed;
    g->best = -1;
    g->expected = c[0].run < 0;
    snprintf(g->setting, sizeof g->setting, "%s", c[0].setting);
    snprintf(g->label, sizeof g->label, "%s", c[0].label);
    for (int i = 0; i < n; i++) {
        if (c[i].run < 0)
            continue;
        const report_run_t *run = &r->runs[c[i].run];
        g->n_runs++;
        if (!report_run_succeeded(run))
            g->n_failed++;
        else if (g->best < 0 || better(r, run, &r->runs[g->best]))
            g->best = c[i].run;
    }
    if (g->expected)
        grid_note(l, c, n, g);
}

static int variants_collect(report_t *r, const candidate_t *c, int n)
{
    r->variants = malloc(sizeof *r->variants * (size_t)(n ? n : 1));
    if (!r->variants)
        return ms_fail(MS_ERR_RUN, "out of memory");
    for (int i = 0; i < n; i++) /* c is sorted by variant first */
        if (r->n_variants == 0 || strcmp(r->variants[r->n_variants - 1], c[i].variant) != 0)
            snprintf(r->variants[r->n_variants++], sizeof *r->variants, "%s", c[i].variant);
    return MS_OK;
}

static int variant_index(const report_t *r, const char *name)
{
    int lo = 0, hi = r->n_variants - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (strcmp(r->variants[mid], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int groups_build(report_t *r, candidate_t *c, int n)
{
    ledger_t ledger;
    int rc = ledger_read(&ledger, r->opt->dir);
    r->groups = rc ? NULL : malloc(sizeof *r->groups * (size_t)(n ? n : 1));
    if (!rc && !r->groups)
        rc = ms_fail(MS_ERR_RUN, "out of memory");
    for (int i = 0, j; !rc && i < n; i = j) {
        for (j = i + 1; j < n && identity_cmp(c[i].variant, c[i].task, c[i].setting, c[i].seed, c[j].variant,
                                              c[j].task, c[j].setting, c[j].seed) == 0;
             j++)
            ;
        report_group_t *g = &r->groups[r->n_groups++];
        group_from(r, &ledger, &c[i], j - i, g);
        g->variant = variant_index(r, c[i].variant);
    }
    ledger_close(&ledger);
    return rc;
}

static int by_display(const void *a, const void *b)
{
    const report_group_t *x = a, *y = b;
    int c = (x->variant > y->variant) - (x->variant < y->variant);
    c = c ? c : (x->task > y->task) - (x->task < y->task);
    c = c ? c : strcmp(x->label, y->label);
    c = c ? c : strcmp(x->setting, y->setting);
    return c ? c : (x->seed > y->seed) - (x->seed < y->seed);
}

/* One (variant, task) block of groups: [g, g + n). */
static void cell_reduce(const report_t *r, const report_group_t *g, int n, report_cell_t *cell, double *sum,
                        int *count, long long *seeds)
{
    int n_seeds = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < n_seeds && seeds[k] != g[i].seed)
            k++;
        if (k == n_seeds) {
            seeds[n_seeds++] = g[i].seed;
            sum[k] = 0.0;
            count[k] = 0;
        }
        cell->want++;
        if (g[i].best < 0)
            continue;
        cell->have += g[i].n_grid_missing == 0;
        sum[k] += report_run_score(r, &r->runs[g[i].best]);
        count[k]++;
    }
    double total = 0.0, squares = 0.0;
    for (int k = 0; k < n_seeds; k++)
        if (count[k]) {
            total += sum[k] / count[k];
            cell->n_seeds++;
        }
    cell->mean = cell->n_seeds ? total / cell->n_seeds : NAN;
    for (int k = 0; k < n_seeds; k++)
        if (count[k])
            squares += (sum[k] / count[k] - cell->mean) * (sum[k] / count[k] - cell->mean);
    cell->std = cell->n_seeds > 1 ? sqrt(squares / (cell->n_seeds - 1)) : NAN;
}

static int cells_build(report_t *r)
{
    r->n_tasks = task_count();
    int n_cells = r->n_variants * r->n_tasks;
    r->cells = calloc((size_t)(n_cells > 0 ? n_cells : 1), sizeof *r->cells);
    double *sum = malloc(sizeof *sum * (size_t)(r->n_groups + 1));
    int *count = malloc(sizeof *count * (size_t)(r->n_groups + 1));
    long long *seeds = malloc(sizeof *seeds * (size_t)(r->n_groups + 1));
    int rc = r->cells && sum && count && seeds ? MS_OK : ms_fail(MS_ERR_RUN, "out of memory");
    for (int i = 0; i < n_cells && rc == MS_OK; i++)
        r->cells[i] = (report_cell_t){NAN, NAN, 0, 0, 0, NAN, NAN};
    for (int i = 0, j; rc == MS_OK && i < r->n_groups; i = j) {
        const report_group_t *g = &r->groups[i];
        for (j = i + 1; j < r->n_groups && r->groups[j].variant == g->variant && r->groups[j].task == g->task; j++)
            ;
        cell_reduce(r, g, j - i, &r->cells[g->variant * r->n_tasks + g->task], sum, count, seeds);
    }
    for (int i = 0; i < n_cells && rc == MS_OK; i++)
        r->result->n_incomplete_cells += r->cells[i].have < r->cells[i].want;
    free(sum);
    free(count);
    free(seeds);
    return rc;
}

int report_reduce(report_t *r)
{
    int n = r->sweep.n_cells + r->n_runs;
    candidate_t *c = malloc(sizeof *c * (size_t)(n ? n : 1));
    if (!c)
        return ms_fail(MS_ERR_RUN, "out of memory reducing the runs of '%s'", r->opt->dir);
    int rc = fill_candidates(r, c);
    if (rc == MS_OK)
        qsort(c, (size_t)n, sizeof *c, by_candidate);
    rc = rc ? rc : variants_collect(r, c, n);
    rc = rc ? rc : groups_build(r, c, n);
    free(c);
    if (rc == MS_OK && !r->result->completeness_known)
        rc = report_holes_add(r);
    if (rc == MS_OK)
        qsort(r->groups, (size_t)r->n_groups, sizeof *r->groups, by_display);
    rc = rc ? rc : cells_build(r);
    for (int i = 0; rc == MS_OK && i < r->n_runs; i++)
        r->result->n_failed_runs += !report_run_succeeded(&r->runs[i]);
    r->result->n_variants = r->n_variants;
    r->result->n_runs = r->n_runs;
    return rc;
}

const report_cell_t *report_cell(const report_t *r, int variant, int task)
{
    return &r->cells[variant * r->n_tasks + task];
}
