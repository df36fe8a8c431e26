/* Selective copying, "Selective Copy" (tasks.md §4): copy = V-1, blank = V-2, content 0..V-3.
 * N content tokens scattered among blanks, then copy, then N blanks during which the model
 * replays the content in order. */
#include "task_internal.h"

#include "madsweep/error.h"

#include <stdlib.h>

static int selective_copy_fill(const task_setting_t *s, rng_t *r, dataset_t *d, bool train)
{
    (void)train; /* tasks.md "Conventions": the same targets in both splits */
    const int n = s->tokens_to_copy, blanks = s->seq_len - 2 * n - 1;
    const int32_t copy = s->vocab_size - 1, blank = s->vocab_size - 2;
    int32_t *content = malloc(sizeof(int32_t) * (size_t)n);
    int *gap = malloc(sizeof(int) * (size_t)n);
    if (!content || !gap) {
        free(content);
        free(gap);
        return ms_fail(MS_ERR_RUN, "selective_copy: out of memory for the generator's scratch");
    }
    for (int i = 0; i < d->count; i++) {
        for (int c = 0; c < n; c++) {
            content[c] = (int32_t)rng_below(r, (uint64_t)(s->vocab_size - 2));
            gap[c] = 0;
        }
        /* Each blank lands in one of the gaps before content[0] .. content[N-1], never after
         * the last content token. */
        for (int b = 0; b < blanks; b++)
            gap[rng_below(r, (uint64_t)n)]++;
        int32_t *in = dataset_inputs_row(d, i), *tg = dataset_targets_row(d, i);
        int pos = 0;
        for (int c = 0; c < n; c++) {
            for (int b = 0; b < gap[c]; b++)
                in[pos++] = blank;
            in[pos++] = content[c];
        }
        in[pos++] = copy;
        for (int c = 0; c < n; c++)
            in[pos++] = blank;
        /* IGN over the first N + B + 1 positions, then the content in order: exactly N scored. */
        int prefix = n + blanks + 1;
        for (int j = 0; j < prefix; j++)
            tg[j] = TASK_IGN;
        for (int c = 0; c < n; c++)
            tg[prefix + c] = content[c];
    }
    free(content);
    free(gap);
    return MS_OK;
}

static int selective_copy_check(const task_setting_t *s)
{
    if (s->vocab_size < 3)
        return ms_fail(MS_ERR_INPUT,
                       "selective_copy: vocab_size = %d is not valid: expected an integer >= 3 "
                       "(copy = V-1, blank = V-2, content 0..V-3)",
                       s->vocab_size);
    if (s->seq_len <= 2 * s->tokens_to_copy + 1)
        return ms_fail(MS_ERR_INPUT,
                       "selective_copy: seq_len = %d is too short for tokens_to_copy = %d: expected "
                       "seq_len > 2*tokens_to_copy + 1 = %d",
                       s->seq_len, s->tokens_to_copy, 2 * s->tokens_to_copy + 1);
    return MS_OK;
}

static const task_key_t selective_copy_keys[] = {
    {"vocab_size", "vocabulary size V: an integer >= 3 (copy V-1, blank V-2, content 0..V-3)"},
    {"seq_len", "input length: an integer > 2*tokens_to_copy + 1"},
    TASK_KEYS_COMMON,
    {"tokens_to_copy", "content tokens to copy, N: an integer >= 1 with 2N + 1 < seq_len"},
    {0},
};

static const task_def_t selective_copy_def = {
    .name = "selective_copy",
    .title = "Selective Copy",
    .description = "replay the content tokens scattered among blanks, in order, after a copy token",
    .autoencoder = false,
    .keys = selective_copy_keys,
};

static const task_grid_axis_t selective_copy_axes[] = {
    {"vocab_size", 3, {32, 64, 128}},
    {"seq_len", 2, {512, 1024}},
    {"num_train", 4, {6400, 3200, 1600, 800}},
    {"tokens_to_copy", 3, {32, 64, 96}},
};

const task_impl_t task_impl_selective_copy = {
    .def = &selective_copy_def,
    .baseline = {.task = &selective_copy_def, .vocab_size = 16, .seq_len = 256, .num_train = 12800,
                 .num_test = TASK_NUM_TEST, .data_seed = TASK_DATA_SEED, .tokens_to_copy = 16},
    .input_trim = 0,
    .check = selective_copy_check,
    .fill = selective_copy_fill,
    .axes = selective_copy_axes,
    .num_axes = 4,
};
