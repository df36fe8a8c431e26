/* Running a sweep (design.md, "The runner"): rank 0 plans from the ledger and the run files,
 * then hands cells to workers as they come free; each worker trains one cell into its run
 * file, checkpointing at every epoch and when told to stop. With one rank, rank 0 does the work
 * itself. */
#ifndef MADSWEEP_RUNNER_H
#define MADSWEEP_RUNNER_H

#include <signal.h>
#include <stdbool.h>

#include "madsweep/ledger.h"
#include "madsweep/sweep.h"

typedef struct runner_options {
    const char *out_dir;
    bool retry_failed;   /* rerun cells whose last outcome was failed or timeout */
    int max_attempts;    /* give up on a cell after this many ended attempts (0: no limit) */
    double cell_timeout; /* seconds per attempt (0: none) */
    double progress_every; /* seconds between progress lines (30) */
    volatile sig_atomic_t *stop; /* set asynchronously (SIGUSR1, SIGTERM): stop after the step */
    const char *sweep_text;      /* the sweep file's text, kept as DIR/sweep.json for the report */
    int rank, size;
    char host[256];
} runner_options_t;

/* One cell's outcome, as a worker reports it. */
typedef struct cell_result {
    int index;
    int status; /* cell_status_t */
    char reason[200];
    char host[64];
    int rank;
    double start, end;
} cell_result_t;

/* What rank 0 decides for each cell before dispatching (plan.c). */
typedef struct cell_plan {
    cell_status_t state; /* CELL_TODO: to run; else its standing outcome */
    int attempt;         /* the attempt number a run now would have */
} cell_plan_t;

/* Reads the ledger and the run files: finished cells are skipped (a finished run file without
 * its ledger line gets the line now), failed ones kept failed unless retried, the rest queued. */
int runner_plan(const runner_options_t *o, const sweep_t *s, ledger_t *ledger, cell_plan_t *plan);

/* Trains cell c into its run file, resuming from a checkpoint when a usable one is there.
 * should_stop is asked after every step (with ctx); it and the timeout stop the run with a
 * checkpoint. */
int runner_run_cell(const runner_options_t *o, const cell_t *c, int attempt, bool (*should_stop)(void *ctx),
                    void *ctx, cell_result_t *r);

/* The whole sweep on every rank of MPI_COMM_WORLD; returns 0 when every cell is ok (or stopped
 * on request), 1 when any failed, or an error status. */
int runner_run(const runner_options_t *o, const sweep_t *s);

/* Prints the expanded cells and which are done, without running anything. */
int runner_dry_run(const runner_options_t *o, const sweep_t *s);

#endif
