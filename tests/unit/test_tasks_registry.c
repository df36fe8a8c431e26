/* The task registry: names, titles, lookup, baselines, input lengths and the grid (tasks.md §7). */
#include "cunit_main.h"
#include "task_testing.h"

#include "madsweep/error.h"
#include "madsweep/task.h"

#include <stdlib.h>
#include <string.h>

static const char *const titles[] = {"Compress",     "Context Recall", "Fuzzy Recall",
                                     "Memorize",     "Noisy Recall",   "Selective Copy"};

/* Field by field: a struct copy need not carry its padding, so memcmp could see noise. */
static bool setting_equal(const task_setting_t *a, const task_setting_t *b)
{
    return a->task == b->task && a->vocab_size == b->vocab_size && a->seq_len == b->seq_len &&
           a->num_train == b->num_train && a->num_test == b->num_test && a->data_seed == b->data_seed &&
           a->noise_vocab == b->noise_vocab && a->frac_noise == b->frac_noise &&
           a->tokens_to_copy == b->tokens_to_copy && a->max_motif == b->max_motif;
}

static void test_task_names_follow_summary_column_order(void)
{
    CU_ASSERT_EQUAL_FATAL(task_count(), 6);
    for (int i = 0; i < 6; i++) {
        CU_ASSERT_STRING_EQUAL(task_at(i)->name, task_names[i]);
        CU_ASSERT_STRING_EQUAL(task_at(i)->title, titles[i]);
    }
    CU_ASSERT_PTR_NULL(task_at(6));
    CU_ASSERT_PTR_NULL(task_at(-1));
}

static void test_task_find_returns_each_task_by_exact_name(void)
{
    for (int i = 0; i < 6; i++)
        CU_ASSERT_PTR_EQUAL(task_find(task_names[i]), task_at(i));
    CU_ASSERT_TRUE(task_find("compress")->autoencoder);
    CU_ASSERT_FALSE(task_find("memorize")->autoencoder);
}

static void test_task_find_unknown_name_fails_listing_known_names(void)
{
    ms_error_clear();
    CU_ASSERT_PTR_NULL(task_find("Context_Recall"));
    CU_ASSERT_TRUE(message_has("Context_Recall"));
    for (int i = 0; i < 6; i++)
        CU_ASSERT_TRUE(message_has(task_names[i]));
    CU_ASSERT_PTR_NULL(strchr(ms_error_message(), '\n'));
    CU_ASSERT_PTR_NULL(task_find("context"));
}

static void test_task_baselines_match_spec(void)
{
    task_setting_t s = baseline_of("context_recall");
    CU_ASSERT(s.vocab_size == 16 && s.seq_len == 128 && s.num_train == 12800 && s.num_test == 1280);
    CU_ASSERT_EQUAL(s.data_seed, 12345);
    s = baseline_of("noisy_recall");
    CU_ASSERT(s.vocab_size == 32 && s.noise_vocab == 16 && s.frac_noise == 0.2 && s.seq_len == 128);
    s = baseline_of("fuzzy_recall");
    CU_ASSERT(s.vocab_size == 16 && s.seq_len == 128 && s.max_motif == 3 && s.num_train == 12800);
    s = baseline_of("selective_copy");
    CU_ASSERT(s.vocab_size == 16 && s.seq_len == 256 && s.tokens_to_copy == 16 && s.num_train == 12800);
    s = baseline_of("compress");
    CU_ASSERT(s.vocab_size == 16 && s.seq_len == 32 && s.num_train == 12800);
    s = baseline_of("memorize");
    CU_ASSERT(s.vocab_size == 256 && s.seq_len == 32 && s.num_train == 256 && s.num_test == 1280);
    CU_ASSERT_PTR_EQUAL(s.task, task_find("memorize"));
    CU_ASSERT_EQUAL(s.noise_vocab, 0); /* a key the task does not use keeps its zero */
}

static void test_task_input_length_trims_only_context_and_noisy_recall(void)
{
    const int expect[] = {32, 127, 128, 32, 127, 256};
    for (int i = 0; i < 6; i++) {
        task_setting_t s = baseline_of(task_names[i]);
        CU_ASSERT_EQUAL(task_input_length(&s), expect[i]);
    }
}

static void test_task_grid_counts_sum_to_66(void)
{
    const int expect[] = {11, 11, 11, 6, 14, 13}; /* in task_at order */
    int total = 0;
    for (int i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(task_grid_count(task_at(i)), expect[i]);
        total += task_grid_count(task_at(i));
    }
    CU_ASSERT_EQUAL(total, 66);
}

static void test_task_grid_starts_with_the_baseline(void)
{
    for (int i = 0; i < 6; i++) {
        task_setting_t g, b;
        task_grid_setting(task_at(i), 0, &g);
        task_setting_baseline(&b, task_at(i));
        CU_ASSERT_TRUE(setting_equal(&g, &b));
    }
}

/* The grid of tasks.md §7 written out as "key=value" for every non-baseline setting. */
static const char *const grid_spec[6] = {
    "vocab_size=32 vocab_size=64 vocab_size=128 seq_len=64 seq_len=128 seq_len=256 num_train=6400 "
    "num_train=3200 num_train=1600 num_train=800",
    "vocab_size=32 vocab_size=64 vocab_size=128 seq_len=256 seq_len=512 seq_len=1024 num_train=6400 "
    "num_train=3200 num_train=1600 num_train=800",
    "vocab_size=32 vocab_size=64 vocab_size=128 seq_len=256 seq_len=512 seq_len=1024 num_train=6400 "
    "num_train=3200 num_train=1600 num_train=800",
    "vocab_size=512 vocab_size=1024 vocab_size=2048 vocab_size=4096 vocab_size=8192",
    "vocab_size=48 vocab_size=80 vocab_size=144 seq_len=256 seq_len=512 seq_len=1024 num_train=6400 "
    "num_train=3200 num_train=1600 num_train=800 frac_noise=0.4 frac_noise=0.6 frac_noise=0.8",
    "vocab_size=32 vocab_size=64 vocab_size=128 seq_len=512 seq_len=1024 num_train=6400 "
    "num_train=3200 num_train=1600 num_train=800 tokens_to_copy=32 tokens_to_copy=64 tokens_to_copy=96",
};

static void test_task_grid_changes_one_factor_at_a_time_from_baseline(void)
{
    for (int t = 0; t < 6; t++) {
        char spec[512];
        strcpy(spec, grid_spec[t]);
        int i = 1;
        for (char *tok = strtok(spec, " "); tok; tok = strtok(NULL, " "), i++) {
            char *eq = strchr(tok, '=');
            *eq = '\0';
            task_setting_t expect, got;
            task_setting_baseline(&expect, task_at(t));
            CU_ASSERT_EQUAL(task_setting_set(&expect, tok, eq + 1), MS_OK);
            task_grid_setting(task_at(t), i, &got);
            CU_ASSERT_TRUE(setting_equal(&expect, &got));
        }
        CU_ASSERT_EQUAL(i, task_grid_count(task_at(t)));
    }
}

static void test_task_grid_noisy_vocab_keeps_sixteen_noise_ids(void)
{
    const task_def_t *t = task_find("noisy_recall");
    for (int i = 0; i < task_grid_count(t); i++) {
        task_setting_t s;
        task_grid_setting(t, i, &s);
        CU_ASSERT_EQUAL(s.noise_vocab, 16);
    }
}

static void test_task_grid_settings_all_validate(void)
{
    for (int t = 0; t < 6; t++)
        for (int i = 0; i < task_grid_count(task_at(t)); i++) {
            task_setting_t s;
            task_grid_setting(task_at(t), i, &s);
            CU_ASSERT_EQUAL(task_setting_validate(&s), MS_OK);
        }
}

CUNIT_MAIN("tasks_registry",
           CUNIT_TEST(test_task_names_follow_summary_column_order),
           CUNIT_TEST(test_task_find_returns_each_task_by_exact_name),
           CUNIT_TEST(test_task_find_unknown_name_fails_listing_known_names),
           CUNIT_TEST(test_task_baselines_match_spec),
           CUNIT_TEST(test_task_input_length_trims_only_context_and_noisy_recall),
           CUNIT_TEST(test_task_grid_counts_sum_to_66),
           CUNIT_TEST(test_task_grid_starts_with_the_baseline),
           CUNIT_TEST(test_task_grid_changes_one_factor_at_a_time_from_baseline),
           CUNIT_TEST(test_task_grid_noisy_vocab_keeps_sixteen_noise_ids),
           CUNIT_TEST(test_task_grid_settings_all_validate))
