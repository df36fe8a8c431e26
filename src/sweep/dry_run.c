/* --dry-run: the expanded cells, longest first, and where each stands; nothing is written. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "madsweep/error.h"
#include "madsweep/runner.h"

int runner_dry_run(const runner_options_t *o, const sweep_t *s)
{
    ledger_t ledger;
    cell_plan_t *plan = malloc(sizeof *plan * (size_t)s->n_cells);
    int rc = plan ? ledger_read(&ledger, o->out_dir) : ms_fail(MS_ERR_RUN, "out of memory");
    rc = rc ? rc : runner_plan(o, s, &ledger, plan);
    if (rc == MS_OK) {
        int counts[CELL_STOPPED + 1] = {0}, resumable = 0;
        double cost = 0;
        printf("%-16s %-8s %-11s %-72s %-15s %-24s %-8s %-5s %-6s %s\n", "key", "status", "attempt", "variant",
               "task", "setting", "lr", "wd", "seed", "cost");
        for (int i = 0; i < s->n_cells; i++) {
            const cell_t *c = &s->cells[i];
            char path[4096], part[4200], attempt[16];
            cell_run_path(o->out_dir, c, path, sizeof path);
            snprintf(part, sizeof part, "%s.part", path);
            bool partial = plan[i].state == CELL_TODO && access(part, F_OK) == 0;
            resumable += partial;
            counts[plan[i].state]++;
            if (plan[i].state == CELL_TODO)
                cost += c->cost;
            snprintf(attempt, sizeof attempt, "%d%s", plan[i].attempt, partial ? " partial" : "");
            printf("%-16s %-8s %-11s %-72s %-15s %-24s %-8g %-5g %-6llu %.1f\n", c->key,
                   plan[i].state == CELL_TODO ? "todo" : cell_status_name(plan[i].state), attempt,
                   c->cfg.variant->name, c->cfg.setting.task->name, c->setting, c->cfg.lr, c->cfg.weight_decay,
                   (unsigned long long)c->cfg.seed, c->cost);
        }
        printf("%s: %d cells: %d ok, %d failed, %d timeout, %d to run (%d with a partial run file), "
               "cost to run %.1f GFLOP; output %s\n",
               s->name, s->n_cells, counts[CELL_OK], counts[CELL_FAILED], counts[CELL_TIMEOUT], counts[CELL_TODO],
               resumable, cost, o->out_dir);
    }
    if (plan)
        ledger_close(&ledger);
    free(plan);
    return rc;
}
