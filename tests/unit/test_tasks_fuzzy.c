/* Fuzzy in-context recall (tasks.md §3): motifs of distinct tokens from disjoint key and value
 * alphabets, left padding, which test positions are scored, the final probe and its speed. */
#include "cunit_main.h"

#include "madsweep/error.h"
#include "madsweep/task.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct run {
    int start, len;
} run_t;

typedef struct fuzzy_tally {
    long layout_bad;     /* pads, alphabets, run sizes, repeated tokens in a motif, alternation */
    long map_bad;        /* a key followed by two different values in one sequence */
    long scored_bad;     /* a scored target outside a value, a partly scored value, or a scored
                          * value (not the final probe) whose key was not seen with it before */
    long unscored_bad;   /* an unscored value whose key was seen before */
    long key_len_count[9];
    long scored, probe_unplaced, rows;
} fuzzy_tally_t;

static bool motif_same(const int32_t *seq, run_t a, run_t b)
{
    return a.len == b.len && memcmp(seq + a.start, seq + b.start, sizeof(int32_t) * (size_t)a.len) == 0;
}

/* Index of the last earlier key run equal to runs[i] (runs alternate key, value), or -1. */
static int key_seen_before(const int32_t *seq, const run_t *runs, int i)
{
    for (int j = i - 2; j >= 0; j -= 2)
        if (motif_same(seq, runs[j], runs[i]))
            return j;
    return -1;
}

static void fuzzy_tally_row(const task_setting_t *s, const int32_t *x, const int32_t *y, bool test,
                            int32_t *seq, run_t *runs, fuzzy_tally_t *t)
{
    const int L = s->seq_len, pad = s->vocab_size - 1, nk = (s->vocab_size - 1) / 2;
    memcpy(seq, x, sizeof(int32_t) * (size_t)L);
    seq[L] = y[L - 1]; /* the last token: a plain target in training, the probe's last value token in test */
    int j = 0;
    while (j <= L && seq[j] == pad)
        j++;
    t->layout_bad += j < 2; /* the sequence is at most seq_len - 1 long: two pads at least */
    int nruns = 0;
    while (j <= L) {
        bool key = seq[j] < nk;
        run_t r = {j, 0};
        while (j <= L && seq[j] != pad && (seq[j] < nk) == key)
            j++, r.len++;
        if (r.len == 0) { /* a pad after the prefix */
            t->layout_bad++;
            j++;
            continue;
        }
        t->layout_bad += key != (nruns % 2 == 0) || r.len > s->max_motif;
        for (int a = r.start; a < r.start + r.len; a++)
            for (int b = a + 1; b < r.start + r.len; b++)
                t->layout_bad += seq[a] == seq[b];
        if (key)
            t->key_len_count[r.len < 9 ? r.len : 8]++;
        runs[nruns++] = r;
    }
    t->layout_bad += nruns % 2; /* ends with a value */
    for (int i = 0; i + 1 < nruns; i += 2) {
        int prev = key_seen_before(seq, runs, i);
        t->map_bad += prev >= 0 && !motif_same(seq, runs[prev + 1], runs[i + 1]);
        if (!test)
            continue;
        /* The target predicting seq[p] is y[p - 1]. */
        int scored_keys = 0, scored_vals = 0;
        for (int p = runs[i].start; p < runs[i].start + runs[i].len; p++)
            scored_keys += y[p - 1] != TASK_IGN;
        for (int p = runs[i + 1].start; p < runs[i + 1].start + runs[i + 1].len; p++)
            scored_vals += y[p - 1] != TASK_IGN && y[p - 1] == seq[p];
        bool last = i + 2 == nruns;
        t->scored_bad += scored_keys + (scored_vals != 0 && scored_vals != runs[i + 1].len);
        t->scored += scored_vals;
        if (last) {
            t->scored_bad += scored_vals != runs[i + 1].len;
            t->probe_unplaced += prev < 0 || !motif_same(seq, runs[prev + 1], runs[i + 1]);
        } else if (scored_vals) {
            t->scored_bad += prev < 0;
        } else {
            t->unscored_bad += prev >= 0;
        }
    }
    if (test) /* nothing over the padding is scored */
        for (int p = 1; p < runs[0].start; p++)
            t->scored_bad += y[p - 1] != TASK_IGN;
}

static fuzzy_tally_t fuzzy_tally(const task_setting_t *s, const dataset_t *d, bool test)
{
    fuzzy_tally_t t = {0};
    int32_t *seq = malloc(sizeof(int32_t) * ((size_t)s->seq_len + 1));
    run_t *runs = malloc(sizeof(run_t) * ((size_t)s->seq_len + 1));
    for (int r = 0; r < d->count; r++, t.rows++)
        fuzzy_tally_row(s, d->inputs + (size_t)r * d->length, d->targets + (size_t)r * d->length, test,
                        seq, runs, &t);
    free(seq);
    free(runs);
    return t;
}

/* The baseline, V = 128 and seq_len = 1024 (tasks.md §7). */
static void setting_of(int which, task_setting_t *s)
{
    static const int grid[3] = {0, 3, 6};
    task_grid_setting(task_find("fuzzy_recall"), grid[which], s);
    if (which > 0)
        s->num_train = 2000; /* per-row properties: fewer rows suffice away from the baseline */
}

static void tally_setting(const task_setting_t *s, fuzzy_tally_t *train_t, fuzzy_tally_t *test_t)
{
    dataset_t train, test;
    int status = task_generate(s, &train, &test);
    if (status)
        fprintf(stderr, "\n%s\n", ms_error_message());
    CU_ASSERT_EQUAL_FATAL(status, MS_OK);
    *train_t = fuzzy_tally(s, &train, false);
    *test_t = fuzzy_tally(s, &test, true);
    dataset_free(&train);
    dataset_free(&test);
}

static void test_fuzzy_recall_motifs_alternate_with_disjoint_alphabets_after_padding(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        fuzzy_tally_t a, b;
        setting_of(w, &s);
        tally_setting(&s, &a, &b);
        CU_ASSERT_EQUAL(a.layout_bad, 0);
        CU_ASSERT_EQUAL(b.layout_bad, 0);
        CU_ASSERT_EQUAL(a.map_bad + b.map_bad, 0);
    }
}

static void test_fuzzy_recall_test_keys_have_three_tokens_training_keys_one_to_three(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        fuzzy_tally_t a, b;
        setting_of(w, &s);
        tally_setting(&s, &a, &b);
        CU_ASSERT_EQUAL(b.key_len_count[1] + b.key_len_count[2], 0);
        CU_ASSERT(b.key_len_count[3] > 0);
        for (int m = 1; m <= 3; m++)
            CU_ASSERT(a.key_len_count[m] > 0);
    }
}

static void test_fuzzy_recall_scored_values_recall_an_earlier_pair(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        fuzzy_tally_t a, b;
        setting_of(w, &s);
        tally_setting(&s, &a, &b);
        CU_ASSERT_EQUAL(b.scored_bad, 0);
        CU_ASSERT_EQUAL(b.unscored_bad, 0);
    }
}

/* tasks.md §3: in about 1-3 % of sequences the probe is never placed before the end. */
static void test_fuzzy_recall_final_probe_was_placed_in_most_sequences(void)
{
    task_setting_t s;
    fuzzy_tally_t a, b;
    setting_of(0, &s);
    tally_setting(&s, &a, &b);
    double unplaced = (double)b.probe_unplaced / (double)b.rows;
    CU_ASSERT(unplaced > 0.0 && unplaced < 0.05);
}

static void test_fuzzy_recall_scores_4_3_positions_per_test_sequence(void)
{
    task_setting_t s;
    fuzzy_tally_t a, b;
    setting_of(0, &s);
    tally_setting(&s, &a, &b);
    CU_ASSERT_EQUAL_FATAL(b.rows, 1280);
    double mean = (double)b.scored / (double)b.rows;
    CU_ASSERT(fabs(mean - 4.3) <= 0.05 * 4.3);
}

/* Motifs are sampled, never enumerated: vocab 128 with seq_len 1024 stays fast. */
static void test_fuzzy_recall_generates_vocab_128_seq_1024_within_a_second(void)
{
    task_setting_t s;
    task_setting_baseline(&s, task_find("fuzzy_recall"));
    s.vocab_size = 128;
    s.seq_len = 1024;
    struct timespec t0, t1;
    dataset_t train, test;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL_FATAL(task_generate(&s, &train, &test), MS_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    CU_ASSERT(seconds < 1.0);
    CU_ASSERT_EQUAL(train.count, 12800);
    dataset_free(&train);
    dataset_free(&test);
}

CUNIT_MAIN("tasks_fuzzy",
           CUNIT_TEST(test_fuzzy_recall_motifs_alternate_with_disjoint_alphabets_after_padding),
           CUNIT_TEST(test_fuzzy_recall_test_keys_have_three_tokens_training_keys_one_to_three),
           CUNIT_TEST(test_fuzzy_recall_scored_values_recall_an_earlier_pair),
           CUNIT_TEST(test_fuzzy_recall_final_probe_was_placed_in_most_sequences),
           CUNIT_TEST(test_fuzzy_recall_scores_4_3_positions_per_test_sequence),
           CUNIT_TEST(test_fuzzy_recall_generates_vocab_128_seq_1024_within_a_second))
