/* Memorization, "Memorize" (tasks.md §6): insert = V-1; keys are the first (V-1)/2 ids, values
 * the rest. One fixed key->value map per setting, so the map must live in the weights. */
#include "task_internal.h"

#include "madsweep/error.h"

#include <stdlib.h>


/* map[k] for every key k: its own generator seeded with the data seed shuffles the keys and the
 * values and pairs them position by position (tasks.md §6). Both splits rebuild the same map. */
static int memorize_map_build(const task_setting_t *s, int *map)
{
    const int nk = (s->vocab_size - 1) / 2, nv = s->vocab_size - 1 - nk;
    int *keys = malloc(sizeof(int) * (size_t)nk), *values = malloc(sizeof(int) * (size_t)nv);
    if (!keys || !values) {
        free(keys);
        free(values);
        return ms_fail(MS_ERR_RUN, "memorize: out of memory for the key-value map");
    }
    for (int i = 0; i < nk; i++)
        keys[i] = i;
    for (int i = 0; i < nv; i++)
        values[i] = nk + i;
    rng_t map_rng;
    rng_seed(&map_rng, (uint64_t)s->data_seed);
    rng_shuffle_int(&map_rng, keys, nk);
    rng_shuffle_int(&map_rng, values, nv);
    for (int i = 0; i < nk; i++)
        map[keys[i]] = values[i];
    free(keys);
    free(values);
    return MS_OK;
}

static int memorize_fill(const task_setting_t *s, rng_t *r, dataset_t *d, bool train)
{
    (void)train; /* the same targets in both splits, from the same map */
    const int nk = (s->vocab_size - 1) / 2;
    const int32_t insert = s->vocab_size - 1;
    int *map = malloc(sizeof(int) * (size_t)nk);
    if (!map)
        return ms_fail(MS_ERR_RUN, "memorize: out of memory for the key-value map");
    int status = memorize_map_build(s, map);
    for (int i = 0; status == MS_OK && i < d->count; i++) {
        int32_t *in = dataset_inputs_row(d, i), *tg = dataset_targets_row(d, i);
        for (int j = 0; j < s->seq_len / 2; j++) {
            int k = (int)rng_below(r, (uint64_t)nk);
            in[2 * j] = k;
            in[2 * j + 1] = insert;
            tg[2 * j] = TASK_IGN;
            tg[2 * j + 1] = map[k];
        }
    }
    free(map);
    return status;
}

static int memorize_check(const task_setting_t *s)
{
    if (s->vocab_size < 3)
        return ms_fail(MS_ERR_INPUT,
                       "memorize: vocab_size = %d is not valid: expected an integer >= 3 "
                       "(insert V-1, at least one key and one value)",
                       s->vocab_size);
    if (s->seq_len % 2)
        return ms_fail(MS_ERR_INPUT,
                       "memorize: seq_len = %d is not valid: expected an even integer >= 2 "
                       "(seq_len/2 key-insert pairs)",
                       s->seq_len);
    return MS_OK;
}

static const task_key_t memorize_keys[] = {
    {"vocab_size", "vocabulary size V: an integer >= 3 (keys 0..(V-1)/2-1, values up to V-2, insert V-1)"},
    {"seq_len", "input length: an even integer >= 2 (seq_len/2 scored values)"},
    TASK_KEYS_COMMON,
    {0},
};

static const task_def_t memorize_def = {
    .name = "memorize",
    .title = "Memorize",
    .description = "recall values of a fixed key-value map learned into the weights",
    .autoencoder = false,
    .keys = memorize_keys,
};

static const task_grid_axis_t memorize_axes[] = {
    {"vocab_size", 5, {512, 1024, 2048, 4096, 8192}},
};

const task_impl_t task_impl_memorize = {
    .def = &memorize_def,
    .baseline = {.task = &memorize_def, .vocab_size = 256, .seq_len = 32, .num_train = 256,
                 .num_test = TASK_NUM_TEST, .data_seed = TASK_DATA_SEED},
    .input_trim = 0,
    .check = memorize_check,
    .fill = memorize_fill,
    .axes = memorize_axes,
    .num_axes = 1,
};
