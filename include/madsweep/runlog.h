/* The run log: one HDF5 file per run (layout in docs/formats.md).
 *
 *   /config       scalar string dataset: the resolved config as JSON; its attributes are the
 *                 same config flattened ("setting.vocab_size" = 16, "lr" = 0.001, ...)
 *   /provenance   group whose attributes are strings: program_version, git_commit, host,
 *                 start_time, end_time (ISO 8601 UTC), plus any added with runlog_provenance
 *   /steps        table, one row per optimiser step (step_row_t's fields as named columns)
 *   /epochs       table, one row per epoch (epoch_row_t's fields as named columns)
 *   /final        group whose attributes are final_metrics_t's fields
 *
 * Rows are buffered and reach the file at runlog_flush (once per epoch) and at close. */
#ifndef MADSWEEP_RUNLOG_H
#define MADSWEEP_RUNLOG_H

#include <hdf5.h>
#include <stdint.h>

typedef struct runlog runlog_t;

typedef struct step_row {
    int64_t step;  /* 1-based optimiser step over the whole run */
    int32_t epoch; /* 0-based */
    float loss;    /* training loss of this batch */
    float lr;
} step_row_t;

typedef struct epoch_row {
    int32_t epoch;
    double train_loss;      /* mean over the epoch's batches, weighted by scored tokens */
    double test_loss;       /* mean cross-entropy over scored test positions */
    double test_perplexity; /* exp(test_loss) */
    double token_accuracy;
    double mad_accuracy;
    double seconds;         /* wall time of the epoch, training and evaluation */
} epoch_row_t;

typedef struct final_metrics {
    int32_t best_epoch;             /* the epoch with the lowest test perplexity */
    double best_test_loss;
    double best_test_perplexity;
    double token_accuracy;          /* at best_epoch */
    double mad_accuracy;            /* at best_epoch */
    double max_token_accuracy;      /* the best of any epoch */
    double max_mad_accuracy;
    int32_t epochs_run;
    const char *stop_reason;        /* "epochs", "early_stop", "nan", ... */
    double wall_seconds;
} final_metrics_t;

/* Creates path and writes the config (JSON text of one object; nested objects flatten with
 * dots) and the provenance known at the start. Fails, before any training, when path cannot
 * be created. */
int runlog_open(runlog_t **log, const char *path, const char *config_json);
/* Opens an existing run log to continue it (a resumed run): rows keep being appended to its
 * tables. */
int runlog_reopen(runlog_t **log, const char *path);
/* Rows in the tables, written and buffered. */
int runlog_rows(const runlog_t *log, int64_t *steps, int64_t *epochs);
/* Cuts the tables back to the given row counts (rows written after a checkpoint are dropped
 * when the run resumes from it). Buffered rows are discarded. */
int runlog_truncate(runlog_t *log, int64_t steps, int64_t epochs);
/* Adds or replaces one provenance string attribute (rank, slurm_job_id, ...). */
int runlog_provenance(runlog_t *log, const char *key, const char *value);
int runlog_append_step(runlog_t *log, const step_row_t *row);
int runlog_append_epoch(runlog_t *log, const epoch_row_t *row);
/* Writes buffered rows and flushes the file, so a crash loses at most the current epoch. */
int runlog_flush(runlog_t *log);
/* Writes the final metrics and end_time. */
int runlog_finish(runlog_t *log, const final_metrics_t *final);
/* The open file, for callers that add datasets of their own (checkpoints). */
hid_t runlog_file(const runlog_t *log);
/* Flushes and closes; safe on NULL. Returns the first error seen. */
int runlog_close(runlog_t *log);

#endif
