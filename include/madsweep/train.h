/* One run: a resolved config, the epoch loop, and what it reports (protocol.md §1-2). */
#ifndef MADSWEEP_TRAIN_H
#define MADSWEEP_TRAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "madsweep/metrics.h"
#include "madsweep/mixer.h"
#include "madsweep/model.h"
#include "madsweep/runlog.h"
#include "madsweep/task.h"

typedef struct run_config {
    const variant_t *variant;
    double constants[VARIANT_MAX_CONSTANTS]; /* the variant's, in declaration order */
    task_setting_t setting;
    uint64_t seed;        /* initialisation and batch order (the data seed is the setting's) */
    double lr, weight_decay;
    int epochs;           /* E of the cosine schedule, and the most epochs run */
    int batch_size;       /* 128 */
    double early_stop;    /* stop once an epoch's test MAD accuracy reaches this (0.999) */
    double beta1, beta2, adam_eps;
    int chunk;            /* C of the chunk loop (32) */
} run_config_t;

/* The protocol's defaults for a variant and a setting: lr 1e-3, wd 0, 200 epochs, ... */
void run_config_default(run_config_t *c, const variant_t *variant, const task_setting_t *setting);
/* Sets one of the variant's constants by name; MS_ERR_INPUT naming the accepted ones. */
int run_config_set_constant(run_config_t *c, const char *name, double value);
/* Checks ranges (lr > 0, epochs >= 1, ...): MS_ERR_INPUT naming the field. */
int run_config_validate(const run_config_t *c);
/* Canonical JSON: fixed key order, every field, doubles that round-trip. Returns the length
 * (like snprintf). */
int run_config_to_json(const run_config_t *c, char *buf, int len);
void run_config_model(const run_config_t *c, model_config_t *m);

/* Sequences per micro-batch: a batch is processed in pieces of at most this many sequences,
 * which bounds memory at long sequences. A function of the config only, so results do not
 * depend on where a run happens. */
int train_micro_batch(int seq_len, int batch_size);

/* The epoch in progress, so that a stopped run continues mid-epoch exactly. */
typedef struct epoch_progress {
    int batch;          /* the next batch of the epoch */
    double loss_sum;    /* sum over its finished batches of loss * scored positions */
    int64_t scored;
    double seconds;     /* time spent in it by earlier sessions */
} epoch_progress_t;

typedef struct trainer {
    run_config_t cfg;
    const dataset_t *train, *test;
    model_t model;
    float *adam_m, *adam_v; /* AdamW moments, laid out like the parameters */
    int64_t step;           /* optimiser steps taken */
    int epoch;              /* the epoch in progress (or the next to run) */
    epoch_progress_t progress;
    double earlier_seconds; /* wall time of earlier sessions of this run */
    final_metrics_t final;  /* so far; whole once done */
    bool done;              /* finished: epochs, early stop or NaN */
    bool interrupted;       /* stopped mid-epoch by the caller's stop function */
    tape_t tape;
    int32_t *batch_tokens, *batch_targets, *predictions;
    int *order;
} trainer_t;

/* Builds the model from the seed and allocates everything a run needs. */
int trainer_create(trainer_t *tr, const run_config_t *cfg, const dataset_t *train, const dataset_t *test);
void trainer_free(trainer_t *tr);
/* One optimiser step on training rows rows[0..count): *loss is the batch's mean cross-entropy
 * over its scored positions (*scored of them). A non-finite loss leaves the parameters as they
 * were. */
int trainer_step(trainer_t *tr, const int *rows, int count, double lr, double *loss, int64_t *scored);
/* Asked after every optimiser step; true stops the run there (to be checkpointed). */
typedef bool (*train_stop_fn)(void *ctx);

/* One epoch, or the rest of one: training steps (each logged), then evaluation, whose row goes
 * to *row. Updates tr->final and sets tr->done when the run ends (last epoch, early stop, NaN).
 * When stop (may be NULL) says so after a step, returns with tr->interrupted set and no row
 * (row->epoch = -1). */
int trainer_run_epoch(trainer_t *tr, runlog_t *log, epoch_row_t *row, train_stop_fn stop, void *ctx);
/* Evaluation on a split: loss and both accuracies, without recording a tape. */
int trainer_evaluate(trainer_t *tr, const dataset_t *d, accuracy_t *out);

/* A checkpoint is the trainer's whole state in a file of its own beside the run log:
 * parameters, AdamW moments, position, metrics so far, and the log's row counts (the log is
 * flushed first). It is written to PATH.tmp and renamed, so a crash mid-write leaves the
 * previous checkpoint whole. */
int checkpoint_save(const char *path, const trainer_t *tr, runlog_t *log);
/* Restores a trainer built from the same config; MS_ERR_RUN when the file is not a usable
 * checkpoint for it. *step_rows and *epoch_rows are the log's row counts at the checkpoint. */
int checkpoint_load(const char *path, trainer_t *tr, int64_t *step_rows, int64_t *epoch_rows);

typedef struct train_hooks {
    void *ctx;
    void (*progress)(void *ctx, const epoch_row_t *row); /* after each epoch */
    train_stop_fn stop;                                   /* after each step */
    const char *checkpoint; /* if not NULL, a checkpoint file saved at every epoch end and on a stop */
} train_hooks_t;

/* A whole run, or the rest of one: epochs until done, the log flushed every epoch and finished
 * at the end. With resume_from (a trainer restored by checkpoint_load) it continues that one.
 * When hooks->stop stops it, the run is checkpointed (if asked), *stopped is set and the log is
 * not finished. log and hooks may be NULL. */
int train_run(const run_config_t *cfg, const dataset_t *train, const dataset_t *test, runlog_t *log,
              const train_hooks_t *hooks, trainer_t *resume_from, final_metrics_t *final, bool *stopped);

#endif
