/* What the task registry knows about each task beyond its public task_def_t: the baseline, the
 * layout checks, the generator and the grid axes (spec/tasks.md). One task_impl_t per task file. */
#ifndef MADSWEEP_TASK_INTERNAL_H
#define MADSWEEP_TASK_INTERNAL_H

#include "madsweep/rng.h"
#include "madsweep/task.h"

#include <stdbool.h>
#include <stddef.h>

#define TASK_NUM_TEST 1280      /* tasks.md "Conventions": 1,280 test instances */
#define TASK_DATA_SEED 12345    /* tasks.md "Conventions": the default data seed */
#define TASK_GRID_MAX_VALUES 5

/* One factor of the one-at-a-time grid (tasks.md §7): a --set key and the values it takes. */
typedef struct task_grid_axis {
    const char *key;
    int count;
    double values[TASK_GRID_MAX_VALUES];
} task_grid_axis_t;

/* The --set keys every task shares after vocab_size and seq_len, with their help lines. */
#define TASK_KEYS_COMMON                                                                  \
    {"num_train", "training instances: an integer in [1, 16777216]"},                     \
    {"num_test", "test instances: an integer in [1, 16777216] (1,280 when published)"},   \
    {"data_seed", "seed of the data generator: an integer >= 0 (default 12345)"}

/* Fills every row of d (count and length already set, buffers allocated) from r. train selects
 * the split's target rule (tasks.md "Conventions"). Returns a status from error.h. */
typedef int (*task_fill_fn)(const task_setting_t *s, rng_t *r, dataset_t *d, bool train);
/* Task-specific consistency checks, run after the per-key ranges have passed. */
typedef int (*task_check_fn)(const task_setting_t *s);

typedef struct task_impl {
    const task_def_t *def;
    task_setting_t baseline;       /* tasks.md: the baseline, .task pointing at def */
    int input_trim;                /* input length = seq_len - input_trim */
    task_check_fn check;
    task_fill_fn fill;
    const task_grid_axis_t *axes;  /* the grid's factors, in the order of tasks.md §7 */
    int num_axes;
} task_impl_t;

/* registry.c: the implementation behind a def, or NULL with MS_ERR_INPUT. */
const task_impl_t *task_impl_of(const task_def_t *task);

/* settings.c: stores value (an int key is truncated) into the field the key names; 0 on success. */
int task_setting_put(task_setting_t *s, const char *key, double value);

/* dataset.c: row i of d. */
static inline int32_t *dataset_inputs_row(dataset_t *d, int i) { return d->inputs + (size_t)i * d->length; }
static inline int32_t *dataset_targets_row(dataset_t *d, int i) { return d->targets + (size_t)i * d->length; }

/* recall.c: the generator shared by context and noisy recall (tasks.md §1-§2). With
 * noise_vocab == 0 it draws neither the exempt slot nor noise coins: that is context recall. */
typedef struct recall_layout {
    int num_keys;     /* keys 0..num_keys-1, values num_keys..2*num_keys-1 */
    int noise_vocab;  /* noise ids 2*num_keys .. 2*num_keys+noise_vocab-1 */
    double frac_noise;
} recall_layout_t;
int recall_fill(const task_setting_t *s, const recall_layout_t *lay, rng_t *r, dataset_t *d, bool train);

extern const task_impl_t task_impl_compress;
extern const task_impl_t task_impl_context_recall;
extern const task_impl_t task_impl_fuzzy_recall;
extern const task_impl_t task_impl_memorize;
extern const task_impl_t task_impl_noisy_recall;
extern const task_impl_t task_impl_selective_copy;

#endif
