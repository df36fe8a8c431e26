/* Compression, "Compress" (tasks.md §5): seq_len-1 content tokens from 0..V-2, then the
 * compress token V-1; the AutoEncoder reproduces every position, the compress token too. */
#include "task_internal.h"

#include "madsweep/error.h"

static int compress_fill(const task_setting_t *s, rng_t *r, dataset_t *d, bool train)
{
    (void)train; /* the same targets in both splits */
    const int32_t compress = s->vocab_size - 1;
    for (int i = 0; i < d->count; i++) {
        int32_t *in = dataset_inputs_row(d, i), *tg = dataset_targets_row(d, i);
        for (int j = 0; j < s->seq_len - 1; j++)
            in[j] = (int32_t)rng_below(r, (uint64_t)compress);
        in[s->seq_len - 1] = compress;
        for (int j = 0; j < s->seq_len; j++)
            tg[j] = in[j];
    }
    return MS_OK;
}

static int compress_check(const task_setting_t *s)
{
    /* settings.c already holds vocab_size >= 2 (one content token) and seq_len >= 2. */
    (void)s;
    return MS_OK;
}

static const task_key_t compress_keys[] = {
    {"vocab_size", "vocabulary size V: an integer >= 2 (content 0..V-2, compress V-1)"},
    {"seq_len", "input length, the compress token included: an integer >= 2"},
    TASK_KEYS_COMMON,
    {0},
};

static const task_def_t compress_def = {
    .name = "compress",
    .title = "Compress",
    .description = "reproduce the whole sequence through the AutoEncoder's bottleneck",
    .autoencoder = true,
    .keys = compress_keys,
};

static const task_grid_axis_t compress_axes[] = {
    {"vocab_size", 3, {32, 64, 128}},
    {"seq_len", 3, {64, 128, 256}},
    {"num_train", 4, {6400, 3200, 1600, 800}},
};

const task_impl_t task_impl_compress = {
    .def = &compress_def,
    .baseline = {.task = &compress_def, .vocab_size = 16, .seq_len = 32, .num_train = 12800,
                 .num_test = TASK_NUM_TEST, .data_seed = TASK_DATA_SEED},
    .input_trim = 0,
    .check = compress_check,
    .fill = compress_fill,
    .axes = compress_axes,
    .num_axes = 3,
};
