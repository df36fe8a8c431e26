/* Selective copying and compression (tasks.md §4, §5): the token layout, exactly which positions
 * are scored and with what, in both splits. */
#include "cunit_main.h"

#include "madsweep/error.h"
#include "madsweep/task.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct copy_tally {
    long layout_bad;  /* a token out of place: content, blank, copy */
    long target_bad;  /* a scored position other than the last N, or content out of order */
    long blank_after_last; /* a blank between the last content token and copy */
    long scored, leading_blanks, rows;
} copy_tally_t;

static copy_tally_t copy_tally(const task_setting_t *s, const dataset_t *d)
{
    copy_tally_t t = {0};
    const int n = s->tokens_to_copy, L = d->length, copy = s->vocab_size - 1, blank = s->vocab_size - 2;
    int32_t *content = malloc(sizeof(int32_t) * (size_t)L);
    for (int r = 0; r < d->count; r++, t.rows++) {
        const int32_t *x = d->inputs + (size_t)r * L, *y = d->targets + (size_t)r * L;
        int found = 0, lead = 0;
        for (int j = 0; j < L - n - 1; j++) {
            if (x[j] < blank)
                content[found++] = x[j];
            else if (x[j] != blank)
                t.layout_bad++;
            else if (found == 0)
                lead++;
        }
        t.leading_blanks += lead;
        t.layout_bad += found != n || x[L - n - 1] != copy;
        t.blank_after_last += x[L - n - 2] == blank;
        for (int j = L - n; j < L; j++)
            t.layout_bad += x[j] != blank;
        for (int j = 0; j < L; j++) {
            bool tail = j >= L - n;
            t.scored += y[j] != TASK_IGN;
            t.target_bad += tail ? (found == n && y[j] != content[j - (L - n)]) : y[j] != TASK_IGN;
        }
    }
    free(content);
    return t;
}

/* The baseline, seq_len = 1024 and N = 96 (tasks.md §7). */
static void copy_setting(int which, task_setting_t *s)
{
    static const int grid[3] = {0, 5, 12};
    task_grid_setting(task_find("selective_copy"), grid[which], s);
    if (which > 0)
        s->num_train = 2000; /* per-row properties: fewer rows suffice away from the baseline */
}

static void generate_or_fail(const task_setting_t *s, dataset_t *train, dataset_t *test)
{
    int status = task_generate(s, train, test);
    if (status)
        fprintf(stderr, "\n%s\n", ms_error_message());
    CU_ASSERT_EQUAL_FATAL(status, MS_OK);
}

static void copy_tally_setting(const task_setting_t *s, copy_tally_t *a, copy_tally_t *b)
{
    dataset_t train, test;
    generate_or_fail(s, &train, &test);
    *a = copy_tally(s, &train);
    *b = copy_tally(s, &test);
    dataset_free(&train);
    dataset_free(&test);
}

static void test_selective_copy_content_then_copy_then_n_blanks(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        copy_tally_t a, b;
        copy_setting(w, &s);
        copy_tally_setting(&s, &a, &b);
        CU_ASSERT_EQUAL(a.layout_bad + b.layout_bad, 0);
    }
}

static void test_selective_copy_scores_the_content_in_order_in_both_splits(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        copy_tally_t a, b;
        copy_setting(w, &s);
        copy_tally_setting(&s, &a, &b);
        CU_ASSERT_EQUAL(a.target_bad + b.target_bad, 0);
        CU_ASSERT_EQUAL(a.scored, (long)s.tokens_to_copy * a.rows);
        CU_ASSERT_EQUAL(b.scored, (long)s.tokens_to_copy * b.rows);
    }
}

static void test_selective_copy_no_blank_follows_the_last_content_token(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        copy_tally_t a, b;
        copy_setting(w, &s);
        copy_tally_setting(&s, &a, &b);
        CU_ASSERT_EQUAL(a.blank_after_last + b.blank_after_last, 0);
    }
}

/* Each blank picks one of the N gaps uniformly: B/N blanks lead the sequence on average. */
static void test_selective_copy_blanks_spread_evenly_over_the_gaps(void)
{
    task_setting_t s;
    copy_tally_t a, b;
    copy_setting(0, &s);
    copy_tally_setting(&s, &a, &b);
    double expect = (double)(s.seq_len - 2 * s.tokens_to_copy - 1) / s.tokens_to_copy;
    double got = (double)a.leading_blanks / (double)a.rows;
    CU_ASSERT(fabs(got - expect) < 0.05 * expect);
}

static void test_selective_copy_scores_16_positions_per_test_sequence(void)
{
    task_setting_t s;
    copy_tally_t a, b;
    copy_setting(0, &s);
    copy_tally_setting(&s, &a, &b);
    CU_ASSERT_EQUAL_FATAL(b.rows, 1280);
    CU_ASSERT_EQUAL(b.scored, 16 * 1280);
}

/* The baseline, V = 128 and seq_len = 256 (tasks.md §7). */
static void compress_setting(int which, task_setting_t *s)
{
    static const int grid[3] = {0, 3, 6};
    task_grid_setting(task_find("compress"), grid[which], s);
    if (which > 0)
        s->num_train = 2000;
}

static void test_compress_content_then_the_compress_token(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        dataset_t d[2];
        compress_setting(w, &s);
        generate_or_fail(&s, &d[0], &d[1]);
        long bad = 0, seen_top_content = 0;
        for (int k = 0; k < 2; k++)
            for (int r = 0; r < d[k].count; r++) {
                const int32_t *x = d[k].inputs + (size_t)r * d[k].length;
                for (int j = 0; j + 1 < d[k].length; j++) {
                    bad += x[j] < 0 || x[j] > s.vocab_size - 2;
                    seen_top_content += x[j] == s.vocab_size - 2;
                }
                bad += x[d[k].length - 1] != s.vocab_size - 1;
            }
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT(seen_top_content > 0);
        dataset_free(&d[0]);
        dataset_free(&d[1]);
    }
}

static void test_compress_scores_every_position_with_its_input_in_both_splits(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        dataset_t d[2];
        compress_setting(w, &s);
        generate_or_fail(&s, &d[0], &d[1]);
        long bad = 0, scored = 0;
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < (size_t)d[k].count * d[k].length; i++) {
                bad += d[k].targets[i] != d[k].inputs[i];
                scored += k == 1 && d[k].targets[i] != TASK_IGN;
            }
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT_EQUAL(scored, (long)s.seq_len * s.num_test); /* 32 per test sequence at the baseline */
        dataset_free(&d[0]);
        dataset_free(&d[1]);
    }
}

CUNIT_MAIN("tasks_copy", CUNIT_TEST(test_selective_copy_content_then_copy_then_n_blanks),
           CUNIT_TEST(test_selective_copy_scores_the_content_in_order_in_both_splits),
           CUNIT_TEST(test_selective_copy_no_blank_follows_the_last_content_token),
           CUNIT_TEST(test_selective_copy_blanks_spread_evenly_over_the_gaps),
           CUNIT_TEST(test_selective_copy_scores_16_positions_per_test_sequence),
           CUNIT_TEST(test_compress_content_then_the_compress_token),
           CUNIT_TEST(test_compress_scores_every_position_with_its_input_in_both_splits))
