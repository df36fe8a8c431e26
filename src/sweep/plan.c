/* Planning: what each cell needs, from the ledger (the record of outcomes) and the run files
 * (a file under its final name is a whole run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "madsweep/error.h"
#include "madsweep/h5util.h"
#include "madsweep/runner.h"

/* A whole run file whose ledger line was lost (a job killed between the rename and the append):
 * its outcome is read back from the file. */
static int recover_outcome(const char *path, cell_status_t *status, char reason[64])
{
    hid_t f = h5_open(path, 0);
    if (f < 0)
        return -1;
    char *stop = NULL;
    hid_t g = H5Gopen2(f, "final", H5P_DEFAULT);
    int rc = g < 0 ? -1 : h5_read_attr_string(g, "stop_reason", &stop);
    if (g >= 0)
        H5Gclose(g);
    h5_close(f);
    if (rc)
        return -1;
    *status = strcmp(stop, "nan") == 0 ? CELL_FAILED : CELL_OK;
    snprintf(reason, 64, "%s (recovered from the run file)", stop);
    free(stop);
    return 0;
}

int runner_plan(const runner_options_t *o, const sweep_t *s, ledger_t *ledger, cell_plan_t *plan)
{
    for (int i = 0; i < s->n_cells; i++) {
        const cell_t *c = &s->cells[i];
        const ledger_entry_t *e = ledger_find(ledger, c->key);
        char path[4096];
        cell_run_path(o->out_dir, c, path, sizeof path);
        int attempts = e ? e->attempts : 0;
        plan[i] = (cell_plan_t){CELL_TODO, attempts + 1};
        if (e && e->oks > 0) {
            plan[i].state = CELL_OK;
            continue;
        }
        cell_status_t recovered;
        char reason[64];
        if (access(path, F_OK) == 0 && (!e || e->last == CELL_STOPPED) &&
            recover_outcome(path, &recovered, reason) == 0) {
            double now = (double)time(NULL);
            ledger_record_t r = {c, recovered, reason, o->rank, o->host, now, now, attempts + 1};
            int rc = ledger->fd >= 0 ? ledger_append(ledger, &r) : MS_OK; /* a dry run only looks */
            if (rc)
                return rc;
            plan[i].state = recovered;
            continue;
        }
        bool ended_badly = e && (e->last == CELL_FAILED || e->last == CELL_TIMEOUT);
        if (ended_badly && !o->retry_failed)
            plan[i].state = e->last;
        else if (o->max_attempts > 0 && attempts >= o->max_attempts)
            plan[i].state = ended_badly ? e->last : CELL_FAILED; /* given up */
    }
    return MS_OK;
}
