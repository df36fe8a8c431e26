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

typedef struct trainer {
    run_config_t cfg;
    const dataset_t *train, *test;
    model_t model;
    float *adam_m, *adam_v; /* AdamW moments, laid out like the parameters */
    int64_t step;           /* optimiser steps taken */
    int epoch;              /* the next epoch to run */
    final_metrics_t final;
    bool done;
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
/* One epoch: training steps (each logged), then evaluation; updates tr->final and sets
 * tr->done when the run ends (last epoch, early stop, or a NaN loss). */
int trainer_run_epoch(trainer_t *tr, runlog_t *log, epoch_row_t *row);
/* Evaluation on a split: loss and both accuracies, without recording a tape. */
int trainer_evaluate(trainer_t *tr, const dataset_t *d, accuracy_t *out);

/* Called after every epoch, for progress lines. */
typedef void (*train_progress_fn)(void *ctx, const epoch_row_t *row);

/* Whole run: epochs until done, the log flushed each epoch and finished at the end. log and
 * progress may be NULL. */
int train_run(const run_config_t *cfg, const dataset_t *train, const dataset_t *test,
              runlog_t *log, train_progress_fn progress, void *ctx, final_metrics_t *final);

#endif
