/* Context recall and noisy recall (tasks.md §1, §2): the slot layout, which test positions are
 * scored and what they hold, the noise slots and the scored count per test sequence. */
#include "cunit_main.h"

#include "madsweep/error.h"
#include "madsweep/task.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* What one pass over a split found; every *_bad counts violations. */
typedef struct recall_tally {
    long layout_bad;   /* a slot that is neither (key, value) nor two noise tokens, or a key whose value changes */
    long scored_bad;   /* a scored target that is not the value that followed the same key earlier */
    long unscored_bad; /* an unscored value whose key had been seen: a recall left out */
    long scored, noise_slots, last_unscored, rows;
} recall_tally_t;

/* Walks every row of d as seq_len/2 slots. seq[j] is inputs[j], and the token after the inputs
 * is the last target (train: always; test: when scored). Test rows also check the targets. */
static recall_tally_t recall_tally(const task_setting_t *s, const dataset_t *d, bool test)
{
    recall_tally_t t = {0};
    const int nk = (s->vocab_size - s->noise_vocab) / 2, P = s->seq_len / 2, L = d->length;
    int *map = malloc(sizeof(int) * (size_t)nk);
    for (int r = 0; r < d->count; r++, t.rows++) {
        const int32_t *x = d->inputs + (size_t)r * L, *y = d->targets + (size_t)r * L;
        for (int k = 0; k < nk; k++)
            map[k] = -1;
        for (int slot = 0; slot < P; slot++) {
            int k = x[2 * slot];
            int v = 2 * slot + 1 < L ? x[2 * slot + 1] : y[L - 1]; /* TASK_IGN: not known */
            bool noise = k >= 2 * nk && (v >= 2 * nk || v == TASK_IGN);
            bool pair = k < nk && (v == TASK_IGN || (v >= nk && v < 2 * nk));
            if (!noise && !pair) {
                t.layout_bad++;
                continue;
            }
            if (!test) {
                t.noise_slots += noise;
                if (pair && map[k] >= 0 && map[k] != v)
                    t.layout_bad++;
                if (pair)
                    map[k] = v;
                continue;
            }
            int key_target = slot ? y[2 * slot - 1] : TASK_IGN, value_target = y[2 * slot];
            if (key_target != TASK_IGN)
                t.scored_bad++; /* a key is never predictable, so never scored */
            if (noise) {
                t.noise_slots++;
                t.scored_bad += value_target != TASK_IGN;
                continue;
            }
            if (value_target != TASK_IGN) {
                t.scored++;
                t.scored_bad += map[k] < 0 || value_target != map[k] || (v != TASK_IGN && v != value_target);
            } else {
                t.unscored_bad += map[k] >= 0;
                t.last_unscored += slot == P - 1;
            }
            if (map[k] >= 0 && v != TASK_IGN && v != map[k])
                t.layout_bad++;
            if (map[k] < 0)
                map[k] = v;
        }
    }
    free(map);
    return t;
}

static void setting_of(const char *task, int grid, task_setting_t *s)
{
    const task_def_t *t = task_find(task);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    task_grid_setting(t, grid, s);
}

/* Tallies of the training and the test split of one setting. */
static void tally_setting(const task_setting_t *s, recall_tally_t *train_t, recall_tally_t *test_t)
{
    dataset_t train, test;
    int status = task_generate(s, &train, &test);
    if (status)
        fprintf(stderr, "\n%s\n", ms_error_message());
    CU_ASSERT_EQUAL_FATAL(status, MS_OK);
    *train_t = recall_tally(s, &train, false);
    *test_t = recall_tally(s, &test, true);
    dataset_free(&train);
    dataset_free(&test);
}

/* The baseline and two other grid settings of each task (tasks.md §7). */
static const int context_grid[3] = {0, 3, 6}; /* V = 128; seq_len = 1024 */
static const int noisy_grid[3] = {0, 3, 13};  /* V = 144; frac_noise = 0.8 */

static void check_settings(const char *task, const int grid[3], bool noisy)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        recall_tally_t a, b;
        setting_of(task, grid[w], &s);
        if (w > 0)
            s.num_train = 2000; /* per-row properties: fewer rows suffice away from the baseline */
        tally_setting(&s, &a, &b);
        CU_ASSERT_EQUAL(a.layout_bad + b.layout_bad, 0);
        CU_ASSERT_EQUAL(b.scored_bad, 0);
        CU_ASSERT_EQUAL(b.unscored_bad, 0);
        CU_ASSERT(b.scored > 0);
        if (!noisy) {
            CU_ASSERT_EQUAL(a.noise_slots + b.noise_slots + b.last_unscored, 0);
        } else {
            CU_ASSERT(a.noise_slots > 0 && b.noise_slots > 0);
        }
    }
}

static void test_context_recall_slots_are_key_then_its_value(void)
{
    check_settings("context_recall", context_grid, false);
}

static void test_noisy_recall_slots_are_key_value_or_two_noise_tokens(void)
{
    check_settings("noisy_recall", noisy_grid, true);
}

/* check_settings holds scored_bad and unscored_bad at zero; these two name the property. */
static void test_context_recall_scored_targets_recall_the_earlier_value(void)
{
    task_setting_t s;
    recall_tally_t a, b;
    setting_of("context_recall", 0, &s);
    tally_setting(&s, &a, &b);
    CU_ASSERT_EQUAL(b.scored_bad, 0);
    CU_ASSERT_EQUAL(b.unscored_bad, 0);
    CU_ASSERT_EQUAL(b.last_unscored, 0); /* the last slot always queries a seen key */
}

static void test_noisy_recall_scored_targets_recall_the_earlier_value(void)
{
    task_setting_t s;
    recall_tally_t a, b;
    setting_of("noisy_recall", 0, &s);
    tally_setting(&s, &a, &b);
    CU_ASSERT_EQUAL(b.scored_bad, 0);
    CU_ASSERT_EQUAL(b.unscored_bad, 0);
}

static bool within_5_percent(double got, double want) { return fabs(got - want) <= 0.05 * want; }

static void test_context_recall_scores_56_positions_per_test_sequence(void)
{
    task_setting_t s;
    recall_tally_t a, b;
    setting_of("context_recall", 0, &s);
    tally_setting(&s, &a, &b);
    CU_ASSERT_EQUAL_FATAL(b.rows, 1280);
    CU_ASSERT_TRUE(within_5_percent((double)b.scored / (double)b.rows, 56.0));
}

static void test_noisy_recall_scores_43_positions_per_test_sequence(void)
{
    task_setting_t s;
    recall_tally_t a, b;
    setting_of("noisy_recall", 0, &s);
    tally_setting(&s, &a, &b);
    CU_ASSERT_EQUAL_FATAL(b.rows, 1280);
    CU_ASSERT_TRUE(within_5_percent((double)b.scored / (double)b.rows, 43.0));
}

/* tasks.md §2: each of the first P-1 slots but the exempt one is noise with probability
 * frac_noise; the exempt index is uniform in 0..P-1, so (P-1)(1 - 1/P) slots are eligible. */
static void test_noisy_recall_noise_slot_rate_matches_frac_noise(void)
{
    for (int g = 0; g < 2; g++) {
        task_setting_t s;
        recall_tally_t a, b;
        setting_of("noisy_recall", g ? 13 : 0, &s); /* frac_noise 0.2 and 0.8 */
        s.num_train = 2000;
        tally_setting(&s, &a, &b);
        double P = s.seq_len / 2.0;
        double expect = s.frac_noise * (P - 1) * (1 - 1 / P) * (double)(a.rows + b.rows);
        double got = (double)(a.noise_slots + b.noise_slots);
        CU_ASSERT(fabs(got - expect) < 0.02 * expect);
    }
}

/* With two slots the exempt index is slot 0 half the time: slot 0 is then noise with
 * probability frac_noise / 2, and a noisy slot 0 leaves the query a first occurrence. */
static void test_noisy_recall_exempt_slot_is_drawn_from_all_slots(void)
{
    task_setting_t s;
    setting_of("noisy_recall", 0, &s);
    s.seq_len = 4;
    s.frac_noise = 0.9;
    s.num_train = 1;
    s.num_test = 20000;
    dataset_t train, test;
    CU_ASSERT_EQUAL_FATAL(task_generate(&s, &train, &test), MS_OK);
    long noisy = 0, mismatch = 0;
    for (int r = 0; r < test.count; r++) {
        const int32_t *x = test.inputs + (size_t)r * 3, *y = test.targets + (size_t)r * 3;
        bool slot0_noise = x[0] >= 16;
        noisy += slot0_noise;
        mismatch += slot0_noise != (y[2] == TASK_IGN);
    }
    CU_ASSERT(fabs((double)noisy / test.count - 0.45) < 0.02);
    CU_ASSERT_EQUAL(mismatch, 0);
    dataset_free(&train);
    dataset_free(&test);
}

CUNIT_MAIN("tasks_recall", CUNIT_TEST(test_context_recall_slots_are_key_then_its_value),
           CUNIT_TEST(test_noisy_recall_slots_are_key_value_or_two_noise_tokens),
           CUNIT_TEST(test_context_recall_scored_targets_recall_the_earlier_value),
           CUNIT_TEST(test_noisy_recall_scored_targets_recall_the_earlier_value),
           CUNIT_TEST(test_context_recall_scores_56_positions_per_test_sequence),
           CUNIT_TEST(test_noisy_recall_scores_43_positions_per_test_sequence),
           CUNIT_TEST(test_noisy_recall_noise_slot_rate_matches_frac_noise),
           CUNIT_TEST(test_noisy_recall_exempt_slot_is_drawn_from_all_slots))
