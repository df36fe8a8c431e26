/* Fuzzy in-context recall, "Fuzzy Recall" (tasks.md §3): keys and values are motifs of up to
 * max_motif distinct tokens. pad = V-1, key tokens 0..(V-1)/2-1, value tokens (V-1)/2..V-2. */
#include "task_internal.h"

#include "madsweep/error.h"

#include <stdlib.h>
#include <string.h>

#define FUZZY_MOTIF_CAP 8 /* the upper bound of max_motif (settings.c) */

typedef struct motif {
    int len;
    int32_t tok[FUZZY_MOTIF_CAP];
} motif_t;

/* The in-sequence map from key motifs to value motifs: open addressing, and a stamp per
 * instance so that starting a new sequence does not clear the table. */
typedef struct motif_entry {
    uint32_t stamp;
    motif_t key, value;
} motif_entry_t;

typedef struct fuzzy_scratch {
    int32_t *seq, *test; /* seq_len + 1 tokens before padding */
    int *key_alpha, *value_alpha;
    motif_entry_t *table;
    uint32_t mask, stamp;
} fuzzy_scratch_t;

typedef struct fuzzy_layout {
    int seq_len, max_motif, num_key_tokens, num_value_tokens, pad;
    bool train;
} fuzzy_layout_t;

/* A uniform ordered m-tuple of distinct tokens by a partial Fisher-Yates over alpha (tasks.md §3:
 * sample directly, never enumerate). alpha stays a permutation, so it needs no reset. */
static void motif_draw(rng_t *r, int *alpha, int n, int m, int base, motif_t *out)
{
    for (int i = 0; i < m; i++) {
        int j = i + (int)rng_below(r, (uint64_t)(n - i));
        int t = alpha[i];
        alpha[i] = alpha[j];
        alpha[j] = t;
        out->tok[i] = base + alpha[i];
    }
    out->len = m;
}

static bool motif_equal(const motif_t *a, const motif_t *b)
{
    return a->len == b->len && memcmp(a->tok, b->tok, sizeof(int32_t) * (size_t)a->len) == 0;
}

static uint32_t motif_hash(const motif_t *m)
{
    uint32_t h = 2166136261u ^ (uint32_t)m->len;
    for (int i = 0; i < m->len; i++)
        h = (h ^ (uint32_t)m->tok[i]) * 16777619u;
    return h ^ (h >> 15);
}

/* The entry for key in this instance: found (true) or a fresh slot claimed for it (false). */
static bool motif_lookup(fuzzy_scratch_t *w, const motif_t *key, motif_entry_t **out)
{
    for (uint32_t i = motif_hash(key) & w->mask;; i = (i + 1) & w->mask) {
        motif_entry_t *e = &w->table[i];
        if (e->stamp != w->stamp) {
            e->stamp = w->stamp;
            e->key = *key;
            *out = e;
            return false;
        }
        if (motif_equal(&e->key, key)) {
            *out = e;
            return true;
        }
    }
}

static void motif_emit(int32_t *seq, int32_t *test, int *len, const motif_t *m, bool scored)
{
    for (int i = 0; i < m->len; i++) {
        seq[*len] = m->tok[i];
        test[*len] = scored ? m->tok[i] : TASK_IGN;
        (*len)++;
    }
}

static void fuzzy_key_draw(const fuzzy_layout_t *lay, rng_t *r, fuzzy_scratch_t *w, motif_t *k)
{
    /* tasks.md §3: key size uniform in 1..max_motif in training, always max_motif in test. */
    int m = lay->train ? 1 + (int)rng_below(r, (uint64_t)lay->max_motif) : lay->max_motif;
    motif_draw(r, w->key_alpha, lay->num_key_tokens, m, 0, k);
}

static void fuzzy_value_draw(const fuzzy_layout_t *lay, rng_t *r, fuzzy_scratch_t *w, motif_t *v)
{
    int m = 1 + (int)rng_below(r, (uint64_t)lay->max_motif);
    motif_draw(r, w->value_alpha, lay->num_value_tokens, m, lay->num_key_tokens, v);
}

/* One sequence, unpadded, into w->seq and w->test; returns its length (< seq_len). */
static int fuzzy_instance(const fuzzy_layout_t *lay, rng_t *r, fuzzy_scratch_t *w)
{
    motif_t kp, vp, k, v;
    w->stamp++;
    fuzzy_key_draw(lay, r, w, &kp);
    fuzzy_value_draw(lay, r, w, &vp);
    int S = kp.len + vp.len;
    int probe_at = (int)rng_below(r, (uint64_t)(lay->seq_len - 2 * S));
    bool placed = false, probe_seen = false;
    /* The reference stops at seq_len - S - (max key + max value size); tasks.md's "6" is that at
     * max_motif 3. It leaves room for the final probe, so the sequence never overflows. */
    int len = 0, stop = lay->seq_len - S - 2 * lay->max_motif;
    while (len < stop) {
        if (len >= probe_at && !placed) {
            motif_emit(w->seq, w->test, &len, &kp, false);
            motif_emit(w->seq, w->test, &len, &vp, false);
            placed = probe_seen = true;
            continue;
        }
        fuzzy_key_draw(lay, r, w, &k);
        bool scored;
        if (motif_equal(&k, &kp)) {
            v = vp;
            scored = probe_seen;
            placed = probe_seen = true;
        } else {
            motif_entry_t *e;
            scored = motif_lookup(w, &k, &e);
            if (!scored) {
                fuzzy_value_draw(lay, r, w, &e->value);
            }
            v = e->value;
        }
        motif_emit(w->seq, w->test, &len, &k, false);
        motif_emit(w->seq, w->test, &len, &v, scored);
    }
    /* The final probe is scored even when it was never placed (tasks.md §3, a kept quirk). */
    motif_emit(w->seq, w->test, &len, &kp, false);
    motif_emit(w->seq, w->test, &len, &vp, true);
    return len;
}

static int fuzzy_recall_fill(const task_setting_t *s, rng_t *r, dataset_t *d, bool train)
{
    fuzzy_layout_t lay = {.seq_len = s->seq_len, .max_motif = s->max_motif,
                          .num_key_tokens = (s->vocab_size - 1) / 2, .pad = s->vocab_size - 1,
                          .train = train};
    lay.num_value_tokens = s->vocab_size - 1 - lay.num_key_tokens;
    /* At most seq_len/2 distinct keys per sequence: a table of twice that stays half empty. */
    uint32_t cap = 2;
    while (cap < (uint32_t)s->seq_len + 2)
        cap <<= 1;
    fuzzy_scratch_t w = {
        .seq = malloc(sizeof(int32_t) * ((size_t)s->seq_len + 1)),
        .test = malloc(sizeof(int32_t) * ((size_t)s->seq_len + 1)),
        .key_alpha = malloc(sizeof(int) * (size_t)lay.num_key_tokens),
        .value_alpha = malloc(sizeof(int) * (size_t)lay.num_value_tokens),
        .table = calloc(cap, sizeof(motif_entry_t)),
        .mask = cap - 1,
    };
    int status = MS_OK;
    if (!w.seq || !w.test || !w.key_alpha || !w.value_alpha || !w.table) {
        status = ms_fail(MS_ERR_RUN, "fuzzy_recall: out of memory for the generator's scratch");
        goto done;
    }
    for (int i = 0; i < lay.num_key_tokens; i++)
        w.key_alpha[i] = i;
    for (int i = 0; i < lay.num_value_tokens; i++)
        w.value_alpha[i] = i;
    for (int i = 0; i < d->count; i++) {
        int len = fuzzy_instance(&lay, r, &w);
        /* Left-pad to seq_len + 1 (pad, IGN in the test targets); inputs = padded[0 : seq_len],
         * targets = (train ? padded : padded test)[1 : seq_len + 1]. Training targets stay plain
         * next-token targets, pads included, as in the reference (docs/tasks.md). */
        int npad = s->seq_len + 1 - len;
        int32_t *in = dataset_inputs_row(d, i), *tg = dataset_targets_row(d, i);
        for (int j = 0; j < s->seq_len; j++) {
            in[j] = j < npad ? lay.pad : w.seq[j - npad];
            int n = j + 1;
            tg[j] = n < npad ? (train ? lay.pad : TASK_IGN) : (train ? w.seq : w.test)[n - npad];
        }
    }
done:
    free(w.seq);
    free(w.test);
    free(w.key_alpha);
    free(w.value_alpha);
    free(w.table);
    return status;
}

static int fuzzy_recall_check(const task_setting_t *s)
{
    int m = s->max_motif;
    if (s->vocab_size - 1 < 2 * m)
        return ms_fail(MS_ERR_INPUT,
                       "fuzzy_recall: vocab_size = %d is too small for max_motif = %d: expected "
                       "vocab_size >= %d so that (V-1)/2 key tokens hold a motif of distinct tokens",
                       s->vocab_size, m, 2 * m + 1);
    if (s->seq_len <= 4 * m)
        return ms_fail(MS_ERR_INPUT,
                       "fuzzy_recall: seq_len = %d is too short for max_motif = %d: expected "
                       "seq_len >= %d (the probe's position is drawn from [0, seq_len - 2S))",
                       s->seq_len, m, 4 * m + 1);
    return MS_OK;
}

static const task_key_t fuzzy_recall_keys[] = {
    {"vocab_size", "vocabulary size V, pad included: an integer >= 2*max_motif + 1"},
    {"seq_len", "input length: an integer >= 4*max_motif + 1"},
    TASK_KEYS_COMMON,
    {"max_motif", "largest key and value motif: an integer in [1, 8] (keys in test: always this size)"},
    {0},
};

static const task_def_t fuzzy_recall_def = {
    .name = "fuzzy_recall",
    .title = "Fuzzy Recall",
    .description = "context recall whose keys and values are multi-token motifs",
    .autoencoder = false,
    .keys = fuzzy_recall_keys,
};

static const task_grid_axis_t fuzzy_recall_axes[] = {
    {"vocab_size", 3, {32, 64, 128}},
    {"seq_len", 3, {256, 512, 1024}},
    {"num_train", 4, {6400, 3200, 1600, 800}},
};

const task_impl_t task_impl_fuzzy_recall = {
    .def = &fuzzy_recall_def,
    .baseline = {.task = &fuzzy_recall_def, .vocab_size = 16, .seq_len = 128, .num_train = 12800,
                 .num_test = TASK_NUM_TEST, .data_seed = TASK_DATA_SEED, .max_motif = 3},
    .input_trim = 0,
    .check = fuzzy_recall_check,
    .fill = fuzzy_recall_fill,
    .axes = fuzzy_recall_axes,
    .num_axes = 3,
};
