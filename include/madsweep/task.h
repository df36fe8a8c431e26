/* The six MAD tasks (spec/tasks.md): a registry of exact names, their settings, the grid of
 * settings per task, and the generators. A generator is a pure function of the setting: the
 * data seed drives it and the run's seed never does. */
#ifndef MADSWEEP_TASK_H
#define MADSWEEP_TASK_H

#include <stdbool.h>
#include <stdint.h>

#define TASK_IGN (-100) /* a target that neither the loss nor the accuracy counts */

typedef struct task_def task_def_t;

/* One setting of one task. Fields a task does not use keep their zero value. */
typedef struct task_setting {
    const task_def_t *task;
    int vocab_size;
    int seq_len;
    int num_train;
    int num_test;        /* 1,280 in every published setting */
    int64_t data_seed;   /* 12345 unless overridden */
    int noise_vocab;     /* noisy_recall */
    double frac_noise;   /* noisy_recall */
    int tokens_to_copy;  /* selective_copy: N */
    int max_motif;       /* fuzzy_recall: largest key and value motif */
} task_setting_t;

/* Generated instances: count rows of length tokens each, row-major. */
typedef struct dataset {
    int count;
    int length;
    int32_t *inputs;
    int32_t *targets; /* TASK_IGN where unscored */
} dataset_t;

/* A --set key a task accepts. */
typedef struct task_key {
    const char *name;
    const char *help; /* one line, with the accepted range */
} task_key_t;

struct task_def {
    const char *name;          /* exact: compress, context_recall, ... */
    const char *title;         /* the column name in summary tables: "Context Recall" */
    const char *description;   /* one line */
    bool autoencoder;          /* compress: the AutoEncoder backbone (model.md section 2) */
    const task_key_t *keys;    /* the --set keys it accepts, NULL-terminated by name */
};

/* Every task, in the column order of the summary table. */
int task_count(void);
const task_def_t *task_at(int i);
/* NULL, with an MS_ERR_INPUT error that lists the known names, when name is unknown. */
const task_def_t *task_find(const char *name);

/* The baseline setting of a task (spec/tasks.md). */
void task_setting_baseline(task_setting_t *s, const task_def_t *task);
/* Applies one --set override. Unknown key, malformed number: MS_ERR_INPUT with a message that
 * names the key and lists the accepted keys or range. */
int task_setting_set(task_setting_t *s, const char *key, const char *value);
/* Whole-setting checks (ranges, vocabulary layout, odd seq_len for recall ...): MS_ERR_INPUT. */
int task_setting_validate(const task_setting_t *s);
/* Length of the model's input sequence (127 for recall at seq_len 128). */
int task_input_length(const task_setting_t *s);
/* Writes the setting's keys and values as a compact JSON object, keys in a fixed order, only
 * the keys this task accepts (plus "task"). Returns the number of bytes written, like snprintf. */
int task_setting_to_json(const task_setting_t *s, char *buf, int len);

/* The settings grid of spec/tasks.md section 7, baseline first. */
int task_grid_count(const task_def_t *task);
void task_grid_setting(const task_def_t *task, int i, task_setting_t *out);

/* Generates the training split and then the test split from one generator seeded with
 * data_seed. On success both datasets own malloc'd buffers; free with dataset_free. */
int task_generate(const task_setting_t *s, dataset_t *train, dataset_t *test);
void dataset_free(dataset_t *d);

#endif
