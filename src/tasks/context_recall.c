/* In-context recall, "Context Recall" (tasks.md §1): keys 0..V/2-1, values V/2..V-1. */
#include "task_internal.h"

#include "madsweep/error.h"

static int context_recall_check(const task_setting_t *s)
{
    if (s->vocab_size < 4 || s->vocab_size % 2)
        return ms_fail(MS_ERR_INPUT,
                       "context_recall: vocab_size = %d is not valid: expected an even integer >= 4 "
                       "(keys 0..V/2-1, values V/2..V-1)",
                       s->vocab_size);
    if (s->seq_len < 4 || s->seq_len % 2)
        return ms_fail(MS_ERR_INPUT,
                       "context_recall: seq_len = %d is not valid: expected an even integer >= 4 "
                       "(seq_len/2 key-value slots, the last one a query)",
                       s->seq_len);
    return MS_OK;
}

static int context_recall_fill(const task_setting_t *s, rng_t *r, dataset_t *d, bool train)
{
    recall_layout_t lay = {.num_keys = s->vocab_size / 2, .noise_vocab = 0, .frac_noise = 0};
    return recall_fill(s, &lay, r, d, train);
}

static const task_key_t context_recall_keys[] = {
    {"vocab_size", "vocabulary size V: an even integer >= 4 (keys 0..V/2-1, values V/2..V-1)"},
    {"seq_len", "sequence length before the shift: an even integer >= 4 (the model sees seq_len-1)"},
    TASK_KEYS_COMMON,
    {0},
};

static const task_def_t context_recall_def = {
    .name = "context_recall",
    .title = "Context Recall",
    .description = "recall the value that followed a key earlier in the sequence",
    .autoencoder = false,
    .keys = context_recall_keys,
};

/* tasks.md §7: V, then seq_len, then num_train, one at a time from the baseline. */
static const task_grid_axis_t context_recall_axes[] = {
    {"vocab_size", 3, {32, 64, 128}},
    {"seq_len", 3, {256, 512, 1024}},
    {"num_train", 4, {6400, 3200, 1600, 800}},
};

const task_impl_t task_impl_context_recall = {
    .def = &context_recall_def,
    .baseline = {.task = &context_recall_def, .vocab_size = 16, .seq_len = 128, .num_train = 12800,
                 .num_test = TASK_NUM_TEST, .data_seed = TASK_DATA_SEED},
    .input_trim = 1,
    .check = context_recall_check,
    .fill = context_recall_fill,
    .axes = context_recall_axes,
    .num_axes = 3,
};
