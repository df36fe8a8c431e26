/* The in-context recall generator shared by context recall and noisy recall (tasks.md §1, §2).
 * A sequence is seq_len/2 slots of (key, value); the last slot queries a key seen earlier. */
#include "task_internal.h"

#include "madsweep/error.h"

#include <stdlib.h>

typedef struct recall_scratch {
    int32_t *seq;   /* seq_len tokens */
    int32_t *test;  /* seq_len test targets, aligned with seq (shifted when copied out) */
    int *map;       /* value of each key, -1 while the key has not appeared */
    int *seen;      /* the distinct keys seen so far, in order of first appearance */
} recall_scratch_t;

static void recall_instance(const recall_layout_t *lay, int seq_len, rng_t *r, recall_scratch_t *w)
{
    const int nk = lay->num_keys, slots = seq_len / 2;
    const int noise_base = 2 * nk;
    int nseen = 0;
    for (int k = 0; k < nk; k++)
        w->map[k] = -1;
    /* tasks.md §2: one slot index in 0..P-1, drawn in advance, is never noise. */
    int exempt = lay->noise_vocab > 0 ? (int)rng_below(r, (uint64_t)slots) : -1;
    for (int slot = 0; slot < slots - 1; slot++) {
        int32_t *o = w->seq + 2 * slot, *t = w->test + 2 * slot;
        t[0] = TASK_IGN;
        if (lay->noise_vocab > 0 && slot != exempt && rng_uniform(r) < lay->frac_noise) {
            o[0] = noise_base + (int32_t)rng_below(r, (uint64_t)lay->noise_vocab);
            o[1] = noise_base + (int32_t)rng_below(r, (uint64_t)lay->noise_vocab);
            t[1] = TASK_IGN;
            continue;
        }
        int k = (int)rng_below(r, (uint64_t)nk);
        if (w->map[k] < 0) {
            w->map[k] = nk + (int)rng_below(r, (uint64_t)nk);
            w->seen[nseen++] = k;
            t[1] = TASK_IGN; /* first occurrence: nothing to recall yet */
        } else {
            t[1] = w->map[k];
        }
        o[0] = k;
        o[1] = w->map[k];
    }
    int32_t *o = w->seq + 2 * (slots - 1), *t = w->test + 2 * (slots - 1);
    t[0] = TASK_IGN;
    if (nseen > 0) {
        int kq = w->seen[rng_below(r, (uint64_t)nseen)];
        o[0] = kq;
        o[1] = w->map[kq];
        t[1] = w->map[kq];
    } else {
        /* Only noisy recall gets here, when the exempt slot was the last one and every earlier
         * slot was noise: the query is then a first occurrence and scores nothing (docs/tasks.md). */
        o[0] = (int32_t)rng_below(r, (uint64_t)nk);
        o[1] = nk + (int32_t)rng_below(r, (uint64_t)nk);
        t[1] = TASK_IGN;
    }
}

int recall_fill(const task_setting_t *s, const recall_layout_t *lay, rng_t *r, dataset_t *d, bool train)
{
    const int seq_len = s->seq_len;
    recall_scratch_t w = {
        .seq = malloc(sizeof(int32_t) * (size_t)seq_len),
        .test = malloc(sizeof(int32_t) * (size_t)seq_len),
        .map = malloc(sizeof(int) * (size_t)lay->num_keys),
        .seen = malloc(sizeof(int) * (size_t)lay->num_keys),
    };
    int status = MS_OK;
    if (!w.seq || !w.test || !w.map || !w.seen) {
        status = ms_fail(MS_ERR_RUN, "%s: out of memory for the generator's scratch", s->task->name);
        goto done;
    }
    for (int i = 0; i < d->count; i++) {
        recall_instance(lay, seq_len, r, &w);
        /* tasks.md §1: inputs = seq[0 : seq_len-1]; targets = (train ? seq : test)[1 : seq_len]. */
        int32_t *in = dataset_inputs_row(d, i), *tg = dataset_targets_row(d, i);
        const int32_t *src = train ? w.seq : w.test;
        for (int j = 0; j < seq_len - 1; j++) {
            in[j] = w.seq[j];
            tg[j] = src[j + 1];
        }
    }
done:
    free(w.seq);
    free(w.test);
    free(w.map);
    free(w.seen);
    return status;
}
