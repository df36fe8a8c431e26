/* Rank 0's loop: plan, hand the longest waiting cell to whichever worker asks, record every
 * outcome in the ledger, print progress, and on a stop signal stop dispatching and let busy
 * workers checkpoint. Rank 0 polls with a sleep between probes, so it does not spin a core. */
#include <mpi.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "madsweep/error.h"
#include "madsweep/runner.h"

enum { TAG_RESULT = 1, TAG_ASSIGN = 2, TAG_STOP = 3 };

typedef struct tally {
    int total, ok, failed, running, left;
    double started, last_print, busy_seconds; /* busy_seconds: over cells run this session */
    int finished_here;
    cell_plan_t *plan;      /* each cell's standing, updated as outcomes arrive */
    char (*reasons)[200];   /* the reason of each cell's latest outcome */
} tally_t;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void hms(double seconds, char out[32])
{
    long s = seconds > 0 ? (long)(seconds + 0.5) : 0;
    snprintf(out, 32, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

static void print_progress(const sweep_t *s, tally_t *t, int workers)
{
    char elapsed[32], eta[32] = "unknown";
    double now = wall_now();
    hms(now - t->started, elapsed);
    if (t->finished_here > 0) /* the mean observed cell time, spread over the workers */
        hms(t->busy_seconds / t->finished_here * (t->left + 0.5 * t->running) / workers, eta);
    printf("madsweep %s: %d cells: done %d, running %d, failed %d, left %d | elapsed %s | ETA %s\n", s->name,
           t->total, t->ok, t->running, t->failed, t->left, elapsed, eta);
    fflush(stdout);
    t->last_print = now;
}

static int record(const sweep_t *s, ledger_t *ledger, tally_t *t, const cell_result_t *r)
{
    const cell_t *c = &s->cells[r->index];
    ledger_record_t rec = {c, (cell_status_t)r->status, r->reason, r->rank, r->host, r->start, r->end,
                           t->plan[r->index].attempt};
    t->plan[r->index].state = (cell_status_t)r->status;
    snprintf(t->reasons[r->index], sizeof t->reasons[r->index], "%s", r->reason);
    t->running--;
    if (r->status == CELL_OK)
        t->ok++;
    else if (r->status == CELL_STOPPED)
        t->left++;
    else
        t->failed++;
    if (r->status != CELL_STOPPED) {
        t->busy_seconds += r->end - r->start;
        t->finished_here++;
    }
    printf("  %s %-7s %s %s %s lr=%g wd=%g seed=%llu (rank %d, %.0fs): %s\n", c->key,
           cell_status_name((cell_status_t)r->status), c->cfg.variant->name, c->cfg.setting.task->name,
           c->setting, c->cfg.lr, c->cfg.weight_decay, (unsigned long long)c->cfg.seed, r->rank, r->end - r->start,
           r->reason);
    return ledger_append(ledger, &rec);
}

static bool signal_stop(void *ctx) { return *(volatile sig_atomic_t *)ctx != 0; }

/* One rank: the controller runs the cells itself. */
static int run_alone(const runner_options_t *o, const sweep_t *s, ledger_t *ledger, cell_plan_t *plan, tally_t *t)
{
    for (int i = 0; i < s->n_cells && !*o->stop; i++) {
        if (plan[i].state != CELL_TODO)
            continue;
        cell_result_t r;
        t->left--;
        t->running++;
        runner_run_cell(o, &s->cells[i], plan[i].attempt, signal_stop, (void *)o->stop, &r);
        r.index = i;
        int rc = record(s, ledger, t, &r);
        if (rc)
            return rc;
        print_progress(s, t, 1);
    }
    return MS_OK;
}

static int next_todo(const sweep_t *s, const cell_plan_t *plan, int *cursor)
{
    while (*cursor < s->n_cells && plan[*cursor].state != CELL_TODO)
        (*cursor)++;
    return *cursor < s->n_cells ? (*cursor)++ : -1;
}

static int run_controller(const runner_options_t *o, const sweep_t *s, ledger_t *ledger, cell_plan_t *plan,
                          tally_t *t)
{
    int workers = o->size - 1, active = workers, cursor = 0, rc = MS_OK;
    int *busy = malloc(sizeof(int) * (size_t)o->size);
    if (!busy)
        return ms_fail(MS_ERR_RUN, "out of memory");
    for (int w = 0; w < o->size; w++)
        busy[w] = -1;
    bool stopping = false;
    while (active > 0) {
        if (*o->stop && !stopping) {
            stopping = true; /* workers got the signal too, unless it was sent to rank 0 alone */
            printf("madsweep %s: stop requested: no new cells; busy workers checkpoint after their step\n", s->name);
            for (int w = 1; w < o->size; w++)
                if (busy[w] >= 0)
                    MPI_Send(&w, 1, MPI_INT, w, TAG_STOP, MPI_COMM_WORLD);
        }
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
            if (wall_now() - t->last_print >= o->progress_every)
                print_progress(s, t, workers);
            continue;
        }
        cell_result_t r;
        int w = st.MPI_SOURCE;
        MPI_Recv(&r, (int)sizeof r, MPI_BYTE, w, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (r.index >= 0 && rc == MS_OK) {
            rc = record(s, ledger, t, &r);
            print_progress(s, t, workers);
        }
        int next = stopping || rc != MS_OK ? -1 : next_todo(s, plan, &cursor);
        int msg[2] = {next, next >= 0 ? plan[next].attempt : 0};
        MPI_Send(msg, 2, MPI_INT, w, TAG_ASSIGN, MPI_COMM_WORLD);
        busy[w] = next;
        if (next >= 0) {
            t->left--;
            t->running++;
        } else {
            active--;
        }
    }
    free(busy);
    return rc;
}

/* A worker stops its run when the signal reached it or rank 0 sent a stop. */
static bool worker_stop(void *ctx)
{
    const runner_options_t *o = ctx;
    int flag = 0;
    MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    return *o->stop || flag;
}

static void run_worker(const runner_options_t *o, const sweep_t *s)
{
    cell_result_t r = {.index = -1};
    for (;;) {
        MPI_Send(&r, (int)sizeof r, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        int msg[2];
        MPI_Recv(msg, 2, MPI_INT, 0, TAG_ASSIGN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (msg[0] < 0)
            break;
        runner_run_cell(o, &s->cells[msg[0]], msg[1], worker_stop, (void *)o, &r);
        r.index = msg[0];
    }
    int flag = 1, dummy;
    while (flag) { /* a stop that crossed our last result: receive it, leave nothing pending */
        MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag)
            MPI_Recv(&dummy, 1, MPI_INT, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
}

static void print_failures(const sweep_t *s, const tally_t *t)
{
    if (!t->failed)
        return;
    printf("madsweep %s: %d cell(s) failed (rerun with --retry-failed to try them again):\n", s->name, t->failed);
    for (int i = 0; i < s->n_cells; i++) {
        const cell_t *c = &s->cells[i];
        cell_status_t st = t->plan[i].state;
        if (st == CELL_FAILED || st == CELL_TIMEOUT)
            printf("  %s %s %s %s lr=%g wd=%g seed=%llu: %s: %s\n", c->key, c->cfg.variant->name,
                   c->cfg.setting.task->name, c->setting, c->cfg.lr, c->cfg.weight_decay,
                   (unsigned long long)c->cfg.seed, cell_status_name(st), t->reasons[i]);
    }
}

/* Workers waiting for their first cell are told there is none. */
static void release_workers(const runner_options_t *o)
{
    for (int w = 1; w < o->size; w++) {
        cell_result_t r;
        int msg[2] = {-1, 0};
        MPI_Recv(&r, (int)sizeof r, MPI_BYTE, w, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(msg, 2, MPI_INT, w, TAG_ASSIGN, MPI_COMM_WORLD);
    }
}

/* DIR/sweep.json: the sweep this folder holds, so that the report knows which cells to expect. */
static int keep_sweep_text(const runner_options_t *o)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/sweep.json", o->out_dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = o->sweep_text ? fopen(tmp, "w") : NULL;
    if (!o->sweep_text)
        return MS_OK;
    bool ok = f && fputs(o->sweep_text, f) >= 0;
    ok = f && fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        return ms_fail(MS_ERR_RUN, "cannot write '%s' (check free space)", path);
    return MS_OK;
}

int runner_run(const runner_options_t *o, const sweep_t *s)
{
    if (o->rank != 0) {
        run_worker(o, s);
        return MS_OK;
    }
    int workers = o->size > 1 ? o->size - 1 : 1;
    tally_t t = {.total = s->n_cells, .started = wall_now()};
    t.plan = malloc(sizeof *t.plan * (size_t)s->n_cells);
    t.reasons = calloc((size_t)s->n_cells, sizeof *t.reasons);
    ledger_t ledger = {.fd = -1, .lock_fd = -1};
    int rc = t.plan && t.reasons ? ledger_open(&ledger, o->out_dir) : ms_fail(MS_ERR_RUN, "out of memory");
    rc = rc ? rc : keep_sweep_text(o);
    rc = rc ? rc : runner_plan(o, s, &ledger, t.plan);
    for (int i = 0; rc == MS_OK && i < s->n_cells; i++) {
        cell_status_t st = t.plan[i].state;
        t.ok += st == CELL_OK;
        t.failed += st == CELL_FAILED || st == CELL_TIMEOUT;
        t.left += st == CELL_TODO;
        const ledger_entry_t *e = ledger_find(&ledger, s->cells[i].key);
        if (e)
            snprintf(t.reasons[i], sizeof t.reasons[i], "%s", e->reason);
    }
    if (rc == MS_OK) {
        if (ledger.skipped_lines)
            printf("madsweep %s: skipped %d torn line(s) in %s\n", s->name, ledger.skipped_lines, ledger.path);
        print_progress(s, &t, workers);
        rc = o->size == 1 ? run_alone(o, s, &ledger, t.plan, &t) : run_controller(o, s, &ledger, t.plan, &t);
    } else if (o->size > 1) {
        release_workers(o);
    }
    if (rc == MS_OK) {
        if (wall_now() - t.last_print > 1.0)
            print_progress(s, &t, workers);
        print_failures(s, &t);
        if (o->size > 1) { /* the controller should sleep while workers train */
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            double cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                         (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
            double wall = wall_now() - t.started;
            printf("madsweep %s: controller CPU %.2f s over %.1f s wall (%.1f%%)\n", s->name, cpu, wall,
                   100.0 * cpu / (wall > 0 ? wall : 1));
        }
    }
    ledger_close(&ledger);
    free(t.plan);
    free(t.reasons);
    return rc ? rc : t.failed ? MS_ERR_RUN : MS_OK;
}
