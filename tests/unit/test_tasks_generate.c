/* Properties every generator shares (tasks.md "Conventions"), each checked for every task at the
 * baseline and at two other grid settings: lengths, vocabulary, the split's target rule,
 * determinism in the data seed and one generator running through both splits. */
#include "cunit_main.h"

#include "madsweep/error.h"
#include "madsweep/task.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

/* Grid indices (tasks.md §7 order within each task): the baseline and two others. */
static const struct { const char *task; int grid[3]; } picks[] = {
    {"compress", {0, 3, 6}},     /* V = 128; seq_len = 256 */
    {"context_recall", {0, 3, 6}}, /* V = 128; seq_len = 1024 */
    {"fuzzy_recall", {0, 3, 6}}, /* V = 128; seq_len = 1024 */
    {"memorize", {0, 2, 5}},     /* V = 1024; V = 8192 */
    {"noisy_recall", {0, 3, 13}}, /* V = 144; frac_noise = 0.8 */
    {"selective_copy", {0, 5, 12}}, /* seq_len = 1024; N = 96 */
};
enum { NUM_PICKS = 6 };

static bool is_recall(const task_setting_t *s)
{
    return strstr(s->task->name, "recall") != NULL;
}

static void setting_pick(int task, int which, task_setting_t *s)
{
    const task_def_t *t = task_find(picks[task].task);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    task_grid_setting(t, picks[task].grid[which], s);
    /* Every property here holds row by row; away from the baseline 2,000 training rows check the
     * setting's shape as well as 12,800 and keep the suite fast. */
    if (which > 0 && s->num_train > 2000)
        s->num_train = 2000;
}

static void generate_or_fail(const task_setting_t *s, dataset_t *train, dataset_t *test)
{
    int status = task_generate(s, train, test);
    if (status)
        fprintf(stderr, "\n%s: %s\n", s->task->name, ms_error_message());
    CU_ASSERT_EQUAL_FATAL(status, MS_OK);
}

static long count_scored(const int32_t *targets, size_t n)
{
    long c = 0;
    for (size_t i = 0; i < n; i++)
        c += targets[i] != TASK_IGN;
    return c;
}

static void test_generate_lengths_follow_input_length(void)
{
    for (int t = 0; t < NUM_PICKS; t++)
        for (int w = 0; w < 3; w++) {
            task_setting_t s;
            dataset_t train, test;
            setting_pick(t, w, &s);
            generate_or_fail(&s, &train, &test);
            int expect = strcmp(s.task->name, "context_recall") == 0 ||
                                 strcmp(s.task->name, "noisy_recall") == 0
                             ? s.seq_len - 1
                             : s.seq_len;
            CU_ASSERT_EQUAL(task_input_length(&s), expect);
            CU_ASSERT(train.count == s.num_train && test.count == s.num_test);
            CU_ASSERT(train.length == expect && test.length == expect);
            if (w == 0 && expect != s.seq_len)
                CU_ASSERT_EQUAL(test.length, 127);
            dataset_free(&train);
            dataset_free(&test);
        }
}

static void test_generate_tokens_lie_in_the_vocabulary(void)
{
    for (int t = 0; t < NUM_PICKS; t++)
        for (int w = 0; w < 3; w++) {
            task_setting_t s;
            dataset_t d[2];
            setting_pick(t, w, &s);
            generate_or_fail(&s, &d[0], &d[1]);
            long bad = 0;
            for (int k = 0; k < 2; k++)
                for (size_t i = 0; i < (size_t)d[k].count * d[k].length; i++) {
                    bad += d[k].inputs[i] < 0 || d[k].inputs[i] >= s.vocab_size;
                    int32_t y = d[k].targets[i];
                    bad += y != TASK_IGN && (y < 0 || y >= s.vocab_size);
                }
            CU_ASSERT_EQUAL(bad, 0);
            dataset_free(&d[0]);
            dataset_free(&d[1]);
        }
}

/* tasks.md "Conventions": recall training targets are seq[1:] with nothing ignored; their test
 * targets score only some positions, and those agree with the next token. */
static void test_generate_recall_train_targets_are_next_tokens_test_targets_a_subset(void)
{
    for (int t = 0; t < NUM_PICKS; t++)
        for (int w = 0; w < 3; w++) {
            task_setting_t s;
            dataset_t train, test;
            setting_pick(t, w, &s);
            if (!is_recall(&s))
                continue;
            generate_or_fail(&s, &train, &test);
            const int L = train.length;
            long train_ign = 0, train_off = 0, test_off = 0;
            for (int r = 0; r < train.count; r++) {
                const int32_t *x = train.inputs + (size_t)r * L, *y = train.targets + (size_t)r * L;
                for (int j = 0; j < L; j++) {
                    train_ign += y[j] == TASK_IGN;
                    train_off += j + 1 < L && y[j] != x[j + 1];
                }
            }
            for (int r = 0; r < test.count; r++) {
                const int32_t *x = test.inputs + (size_t)r * L, *y = test.targets + (size_t)r * L;
                for (int j = 0; j + 1 < L; j++)
                    test_off += y[j] != TASK_IGN && y[j] != x[j + 1];
            }
            long scored = count_scored(test.targets, (size_t)test.count * L);
            CU_ASSERT_EQUAL(train_ign, 0);
            CU_ASSERT_EQUAL(train_off, 0);
            CU_ASSERT_EQUAL(test_off, 0);
            CU_ASSERT(scored > 0 && scored < (long)test.count * L / 2);
            dataset_free(&train);
            dataset_free(&test);
        }
}

/* The other three tasks score the same positions in both splits: a fixed count per row. */
static void test_generate_other_tasks_score_alike_in_both_splits(void)
{
    for (int t = 0; t < NUM_PICKS; t++)
        for (int w = 0; w < 3; w++) {
            task_setting_t s;
            dataset_t d[2];
            setting_pick(t, w, &s);
            if (is_recall(&s))
                continue;
            generate_or_fail(&s, &d[0], &d[1]);
            long expect = strcmp(s.task->name, "compress") == 0   ? s.seq_len
                        : strcmp(s.task->name, "memorize") == 0   ? s.seq_len / 2
                                                                  : s.tokens_to_copy;
            long bad = 0;
            for (int k = 0; k < 2; k++)
                for (int r = 0; r < d[k].count; r++)
                    bad += count_scored(d[k].targets + (size_t)r * d[k].length, (size_t)d[k].length) != expect;
            CU_ASSERT_EQUAL(bad, 0);
            dataset_free(&d[0]);
            dataset_free(&d[1]);
        }
}

static bool dataset_equal(const dataset_t *a, const dataset_t *b)
{
    size_t n = (size_t)a->count * a->length;
    return a->count == b->count && a->length == b->length &&
           memcmp(a->inputs, b->inputs, n * sizeof(int32_t)) == 0 &&
           memcmp(a->targets, b->targets, n * sizeof(int32_t)) == 0;
}

static void test_generate_same_seed_gives_identical_data(void)
{
    for (int t = 0; t < NUM_PICKS; t++) {
        task_setting_t s;
        dataset_t a[2], b[2];
        setting_pick(t, 0, &s);
        generate_or_fail(&s, &a[0], &a[1]);
        generate_or_fail(&s, &b[0], &b[1]);
        CU_ASSERT_TRUE(dataset_equal(&a[0], &b[0]));
        CU_ASSERT_TRUE(dataset_equal(&a[1], &b[1]));
        for (int k = 0; k < 2; k++) {
            dataset_free(&a[k]);
            dataset_free(&b[k]);
        }
    }
}

static void test_generate_different_seed_gives_different_data(void)
{
    for (int t = 0; t < NUM_PICKS; t++) {
        task_setting_t s;
        dataset_t a[2], b[2];
        setting_pick(t, 0, &s);
        generate_or_fail(&s, &a[0], &a[1]);
        s.data_seed = 12346;
        generate_or_fail(&s, &b[0], &b[1]);
        CU_ASSERT_FALSE(dataset_equal(&a[0], &b[0]));
        CU_ASSERT_FALSE(dataset_equal(&a[1], &b[1]));
        for (int k = 0; k < 2; k++) {
            dataset_free(&a[k]);
            dataset_free(&b[k]);
        }
    }
}

/* One generator makes the training split and continues into the test split, so the test rows
 * after A training rows are the training rows A.. of a longer training split. Fuzzy recall
 * draws its keys differently in the two splits, so only the inputs of the others compare. */
static void test_generate_test_split_continues_the_training_stream(void)
{
    for (int t = 0; t < NUM_PICKS; t++) {
        task_setting_t s;
        dataset_t shortrun[2], longrun[2];
        setting_pick(t, 0, &s);
        bool fuzzy = strcmp(s.task->name, "fuzzy_recall") == 0;
        s.num_train = 200;
        s.num_test = 100;
        generate_or_fail(&s, &shortrun[0], &shortrun[1]);
        s.num_train = 300;
        generate_or_fail(&s, &longrun[0], &longrun[1]);
        const size_t row0 = 200 * (size_t)shortrun[0].length;
        size_t n = 100 * (size_t)shortrun[1].length;
        CU_ASSERT_EQUAL(memcmp(shortrun[0].inputs, longrun[0].inputs, row0 * sizeof(int32_t)), 0);
        if (!fuzzy)
            CU_ASSERT_EQUAL(memcmp(shortrun[1].inputs, longrun[0].inputs + row0, n * sizeof(int32_t)), 0);
        if (!is_recall(&s))
            CU_ASSERT_EQUAL(memcmp(shortrun[1].targets, longrun[0].targets + row0, n * sizeof(int32_t)), 0);
        for (int k = 0; k < 2; k++) {
            dataset_free(&shortrun[k]);
            dataset_free(&longrun[k]);
        }
    }
}

static void test_generate_invalid_setting_fails_and_leaves_empty_datasets(void)
{
    task_setting_t s;
    task_setting_baseline(&s, task_find("context_recall"));
    s.vocab_size = 15;
    dataset_t train, test;
    CU_ASSERT_EQUAL(task_generate(&s, &train, &test), MS_ERR_INPUT);
    CU_ASSERT_TRUE(strstr(ms_error_message(), "vocab_size") != NULL);
    CU_ASSERT(train.inputs == NULL && train.targets == NULL && train.count == 0);
    CU_ASSERT(test.inputs == NULL && test.targets == NULL && test.count == 0);
    dataset_free(&train); /* harmless on an empty dataset, and twice */
    dataset_free(&train);
    dataset_free(NULL);
}

static void test_generate_all_baselines_within_two_seconds(void)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int t = 0; t < task_count(); t++) {
        task_setting_t s;
        dataset_t train, test;
        task_setting_baseline(&s, task_at(t));
        generate_or_fail(&s, &train, &test);
        dataset_free(&train);
        dataset_free(&test);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double seconds = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
    CU_ASSERT(seconds < 2.0);
}

CUNIT_MAIN("tasks_generate", CUNIT_TEST(test_generate_lengths_follow_input_length),
           CUNIT_TEST(test_generate_tokens_lie_in_the_vocabulary),
           CUNIT_TEST(test_generate_recall_train_targets_are_next_tokens_test_targets_a_subset),
           CUNIT_TEST(test_generate_other_tasks_score_alike_in_both_splits),
           CUNIT_TEST(test_generate_same_seed_gives_identical_data),
           CUNIT_TEST(test_generate_different_seed_gives_different_data),
           CUNIT_TEST(test_generate_test_split_continues_the_training_stream),
           CUNIT_TEST(test_generate_invalid_setting_fails_and_leaves_empty_datasets),
           CUNIT_TEST(test_generate_all_baselines_within_two_seconds))
