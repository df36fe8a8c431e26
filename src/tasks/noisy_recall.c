/* Noisy in-context recall, "Noisy Recall" (tasks.md §2): context recall over the first
 * V - noise_vocab ids, with noise slots drawn from the top noise_vocab ids. */
#include "task_internal.h"

#include "madsweep/error.h"

static int noisy_recall_check(const task_setting_t *s)
{
    int plain = s->vocab_size - s->noise_vocab;
    if (plain < 4 || plain % 2)
        return ms_fail(MS_ERR_INPUT,
                       "noisy_recall: vocab_size = %d with noise_vocab = %d is not valid: "
                       "vocab_size - noise_vocab must be even and >= 4 (keys and values split it in halves)",
                       s->vocab_size, s->noise_vocab);
    if (s->seq_len < 4 || s->seq_len % 2)
        return ms_fail(MS_ERR_INPUT,
                       "noisy_recall: seq_len = %d is not valid: expected an even integer >= 4 "
                       "(seq_len/2 key-value slots, the last one a query)",
                       s->seq_len);
    return MS_OK;
}

static int noisy_recall_fill(const task_setting_t *s, rng_t *r, dataset_t *d, bool train)
{
    recall_layout_t lay = {.num_keys = (s->vocab_size - s->noise_vocab) / 2,
                           .noise_vocab = s->noise_vocab,
                           .frac_noise = s->frac_noise};
    return recall_fill(s, &lay, r, d, train);
}

static const task_key_t noisy_recall_keys[] = {
    {"vocab_size", "vocabulary size V, noise ids included: V - noise_vocab even and >= 4"},
    {"seq_len", "sequence length before the shift: an even integer >= 4 (the model sees seq_len-1)"},
    TASK_KEYS_COMMON,
    {"noise_vocab", "number of noise ids at the top of the vocabulary: an integer in [1, V-4]"},
    {"frac_noise", "probability that a slot is noise: a real number in [0, 1)"},
    {0},
};

static const task_def_t noisy_recall_def = {
    .name = "noisy_recall",
    .title = "Noisy Recall",
    .description = "context recall with noise key-value slots interleaved",
    .autoencoder = false,
    .keys = noisy_recall_keys,
};

/* tasks.md §7: "V in {48, 80, 144} (16 of them noise)": noise_vocab stays 16. */
static const task_grid_axis_t noisy_recall_axes[] = {
    {"vocab_size", 3, {48, 80, 144}},
    {"seq_len", 3, {256, 512, 1024}},
    {"num_train", 4, {6400, 3200, 1600, 800}},
    {"frac_noise", 3, {0.4, 0.6, 0.8}},
};

const task_impl_t task_impl_noisy_recall = {
    .def = &noisy_recall_def,
    .baseline = {.task = &noisy_recall_def, .vocab_size = 32, .seq_len = 128, .num_train = 12800,
                 .num_test = TASK_NUM_TEST, .data_seed = TASK_DATA_SEED, .noise_vocab = 16,
                 .frac_noise = 0.2},
    .input_trim = 1,
    .check = noisy_recall_check,
    .fill = noisy_recall_fill,
    .axes = noisy_recall_axes,
    .num_axes = 4,
};
