/* The task registry, --set parsing, validation, the JSON form and the grid (spec/tasks.md §7). */
#include "cunit_main.h"

#include "madsweep/error.h"
#include "madsweep/task.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"compress", "context_recall", "fuzzy_recall",
                                    "memorize", "noisy_recall",   "selective_copy"};
static const char *const titles[] = {"Compress",     "Context Recall", "Fuzzy Recall",
                                     "Memorize",     "Noisy Recall",   "Selective Copy"};

static task_setting_t baseline_of(const char *name)
{
    task_setting_t s;
    const task_def_t *t = task_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    task_setting_baseline(&s, t);
    return s;
}

static bool message_has(const char *needle) { return strstr(ms_error_message(), needle) != NULL; }

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
        CU_ASSERT_STRING_EQUAL(task_at(i)->name, names[i]);
        CU_ASSERT_STRING_EQUAL(task_at(i)->title, titles[i]);
    }
    CU_ASSERT_PTR_NULL(task_at(6));
    CU_ASSERT_PTR_NULL(task_at(-1));
}

static void test_task_find_returns_each_task_by_exact_name(void)
{
    for (int i = 0; i < 6; i++)
        CU_ASSERT_PTR_EQUAL(task_find(names[i]), task_at(i));
    CU_ASSERT_TRUE(task_find("compress")->autoencoder);
    CU_ASSERT_FALSE(task_find("memorize")->autoencoder);
}

static void test_task_find_unknown_name_fails_listing_known_names(void)
{
    ms_error_clear();
    CU_ASSERT_PTR_NULL(task_find("Context_Recall"));
    CU_ASSERT_TRUE(message_has("Context_Recall"));
    for (int i = 0; i < 6; i++)
        CU_ASSERT_TRUE(message_has(names[i]));
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
        task_setting_t s = baseline_of(names[i]);
        CU_ASSERT_EQUAL(task_input_length(&s), expect[i]);
    }
}

static void test_task_set_accepts_every_declared_key(void)
{
    for (int i = 0; i < 6; i++) {
        task_setting_t s = baseline_of(names[i]);
        for (const task_key_t *k = s.task->keys; k->name; k++) {
            CU_ASSERT_PTR_NOT_NULL(k->help);
            const char *v = strcmp(k->name, "frac_noise") == 0 ? "0.25" : "2";
            CU_ASSERT_EQUAL(task_setting_set(&s, k->name, v), MS_OK);
        }
    }
    task_setting_t s = baseline_of("noisy_recall");
    CU_ASSERT_EQUAL(task_setting_set(&s, "vocab_size", "144"), MS_OK);
    CU_ASSERT_EQUAL(task_setting_set(&s, "frac_noise", "0.6"), MS_OK);
    CU_ASSERT_EQUAL(task_setting_set(&s, "data_seed", "9007199254740993"), MS_OK);
    CU_ASSERT(s.vocab_size == 144 && s.frac_noise == 0.6 && s.data_seed == 9007199254740993LL);
}

static void test_task_set_unknown_key_lists_accepted_keys(void)
{
    task_setting_t s = baseline_of("context_recall");
    ms_error_clear();
    CU_ASSERT_EQUAL(task_setting_set(&s, "vocab", "16"), MS_ERR_INPUT);
    CU_ASSERT_TRUE(message_has("vocab'"));
    CU_ASSERT_TRUE(message_has("vocab_size, seq_len, num_train, num_test, data_seed"));
    /* A key of another task is unknown here too. */
    CU_ASSERT_EQUAL(task_setting_set(&s, "noise_vocab", "4"), MS_ERR_INPUT);
    CU_ASSERT_TRUE(message_has("noise_vocab"));
    s = baseline_of("selective_copy");
    CU_ASSERT_EQUAL(task_setting_set(&s, "max_motif", "2"), MS_ERR_INPUT);
    CU_ASSERT_TRUE(message_has("tokens_to_copy"));
}

static void test_task_set_malformed_number_names_key_and_type(void)
{
    static const char *const bad_ints[] = {"12x", "", "1e3", " 12", "0x10", "3.0", "12 "};
    task_setting_t s = baseline_of("selective_copy");
    for (size_t i = 0; i < sizeof bad_ints / sizeof *bad_ints; i++) {
        ms_error_clear();
        CU_ASSERT_EQUAL(task_setting_set(&s, "tokens_to_copy", bad_ints[i]), MS_ERR_INPUT);
        CU_ASSERT_TRUE(message_has("tokens_to_copy"));
        CU_ASSERT_TRUE(message_has("integer"));
    }
    CU_ASSERT_EQUAL(s.tokens_to_copy, 16); /* a failed set leaves the setting alone */
    static const char *const bad_reals[] = {"abc", "", "0.2.1", "nan", "inf", "0.5x"};
    s = baseline_of("noisy_recall");
    for (size_t i = 0; i < sizeof bad_reals / sizeof *bad_reals; i++) {
        ms_error_clear();
        CU_ASSERT_EQUAL(task_setting_set(&s, "frac_noise", bad_reals[i]), MS_ERR_INPUT);
        CU_ASSERT_TRUE(message_has("frac_noise"));
        CU_ASSERT_TRUE(message_has("real"));
    }
    CU_ASSERT_EQUAL(task_setting_set(&s, "data_seed", "99999999999999999999"), MS_ERR_INPUT);
    CU_ASSERT_TRUE(message_has("data_seed"));
}

static void test_task_set_out_of_range_names_key_and_range(void)
{
    static const struct { const char *task, *key, *value; } cases[] = {
        {"context_recall", "vocab_size", "-4"}, {"context_recall", "num_train", "0"},
        {"compress", "num_test", "0"},          {"memorize", "seq_len", "1"},
        {"noisy_recall", "frac_noise", "1"},    {"noisy_recall", "frac_noise", "-0.1"},
        {"fuzzy_recall", "max_motif", "99"},    {"selective_copy", "tokens_to_copy", "0"},
        {"memorize", "data_seed", "-1"},        {"compress", "vocab_size", "4294967312"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        task_setting_t s = baseline_of(cases[i].task);
        ms_error_clear();
        CU_ASSERT_EQUAL(task_setting_set(&s, cases[i].key, cases[i].value), MS_ERR_INPUT);
        CU_ASSERT_TRUE(message_has(cases[i].key));
        CU_ASSERT_TRUE(message_has("range"));
    }
}

typedef struct layout_case {
    const char *task, *key, *value;
} layout_case_t;

/* Each of these sets one in-range value that breaks the task's layout (tasks.md §1-§6). */
static const layout_case_t bad_layouts[] = {
    {"context_recall", "vocab_size", "15"},  {"context_recall", "vocab_size", "2"},
    {"context_recall", "seq_len", "127"},    {"context_recall", "seq_len", "2"},
    {"noisy_recall", "vocab_size", "31"},    {"noisy_recall", "noise_vocab", "30"},
    {"noisy_recall", "vocab_size", "16"},    {"noisy_recall", "seq_len", "129"},
    {"fuzzy_recall", "vocab_size", "6"},     {"fuzzy_recall", "seq_len", "12"},
    {"fuzzy_recall", "max_motif", "8"},      {"selective_copy", "seq_len", "33"},
    {"selective_copy", "vocab_size", "2"},   {"selective_copy", "tokens_to_copy", "128"},
    {"memorize", "seq_len", "31"},           {"memorize", "vocab_size", "2"},
};

static void test_task_validate_rejects_inconsistent_layouts(void)
{
    for (size_t i = 0; i < sizeof bad_layouts / sizeof *bad_layouts; i++) {
        task_setting_t s = baseline_of(bad_layouts[i].task);
        CU_ASSERT_EQUAL_FATAL(task_setting_set(&s, bad_layouts[i].key, bad_layouts[i].value), MS_OK);
        ms_error_clear();
        CU_ASSERT_EQUAL(task_setting_validate(&s), MS_ERR_INPUT);
        CU_ASSERT_TRUE(message_has(bad_layouts[i].key));
        CU_ASSERT_TRUE(message_has(bad_layouts[i].value));
    }
}

static void test_task_validate_rejects_out_of_range_fields(void)
{
    task_setting_t s = baseline_of("noisy_recall");
    s.frac_noise = 1.0;
    CU_ASSERT_EQUAL(task_setting_validate(&s), MS_ERR_INPUT);
    CU_ASSERT_TRUE(message_has("frac_noise"));
    for (int i = 0; i < 6; i++) {
        s = baseline_of(names[i]);
        s.num_test = 0;
        CU_ASSERT_EQUAL(task_setting_validate(&s), MS_ERR_INPUT);
        CU_ASSERT_TRUE(message_has("num_test"));
    }
    s = baseline_of("memorize");
    s.task = NULL;
    CU_ASSERT_EQUAL(task_setting_validate(&s), MS_ERR_INPUT);
}

static void test_task_validate_accepts_smallest_layouts(void)
{
    static const layout_case_t smallest[][2] = {
        {{"context_recall", "vocab_size", "4"}, {"context_recall", "seq_len", "4"}},
        {{"noisy_recall", "vocab_size", "20"}, {"noisy_recall", "seq_len", "4"}},
        {{"fuzzy_recall", "vocab_size", "7"}, {"fuzzy_recall", "seq_len", "13"}},
        {{"selective_copy", "vocab_size", "3"}, {"selective_copy", "seq_len", "34"}},
        {{"compress", "vocab_size", "2"}, {"compress", "seq_len", "2"}},
        {{"memorize", "vocab_size", "3"}, {"memorize", "seq_len", "2"}},
    };
    for (size_t i = 0; i < sizeof smallest / sizeof *smallest; i++) {
        task_setting_t s = baseline_of(smallest[i][0].task);
        for (int j = 0; j < 2; j++)
            CU_ASSERT_EQUAL(task_setting_set(&s, smallest[i][j].key, smallest[i][j].value), MS_OK);
        s.num_train = 64;
        s.num_test = 16;
        CU_ASSERT_EQUAL(task_setting_validate(&s), MS_OK);
        dataset_t train, test;
        CU_ASSERT_EQUAL(task_generate(&s, &train, &test), MS_OK);
        CU_ASSERT_EQUAL(test.length, task_input_length(&s));
        dataset_free(&train);
        dataset_free(&test);
    }
}

static void test_task_setting_json_has_only_task_keys_in_fixed_order(void)
{
    char buf[512];
    task_setting_t s = baseline_of("context_recall");
    int n = task_setting_to_json(&s, buf, sizeof buf);
    const char *expect = "{\"task\":\"context_recall\",\"vocab_size\":16,\"seq_len\":128,"
                         "\"num_train\":12800,\"num_test\":1280,\"data_seed\":12345}";
    CU_ASSERT_STRING_EQUAL(buf, expect);
    CU_ASSERT_EQUAL(n, (int)strlen(expect));
    s = baseline_of("noisy_recall");
    task_setting_to_json(&s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "{\"task\":\"noisy_recall\",\"vocab_size\":32,\"seq_len\":128,"
                                "\"num_train\":12800,\"num_test\":1280,\"data_seed\":12345,"
                                "\"noise_vocab\":16,\"frac_noise\":0.20000000000000001}");
    s = baseline_of("selective_copy");
    task_setting_to_json(&s, buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"tokens_to_copy\":16}"));
    CU_ASSERT_PTR_NULL(strstr(buf, "max_motif"));
}

static void test_task_setting_json_round_trips_reals(void)
{
    char buf[512];
    task_setting_t s = baseline_of("noisy_recall");
    CU_ASSERT_EQUAL(task_setting_set(&s, "frac_noise", "0.1"), MS_OK);
    task_setting_to_json(&s, buf, sizeof buf);
    const char *v = strstr(buf, "\"frac_noise\":");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(strtod(v + strlen("\"frac_noise\":"), NULL), s.frac_noise);
}

static void test_task_setting_json_reports_full_size_when_truncated(void)
{
    char full[512], small[16];
    task_setting_t s = baseline_of("fuzzy_recall");
    int n = task_setting_to_json(&s, full, sizeof full);
    CU_ASSERT_EQUAL(task_setting_to_json(&s, small, sizeof small), n);
    CU_ASSERT_EQUAL(strlen(small), sizeof small - 1);
    CU_ASSERT_EQUAL(strncmp(small, full, sizeof small - 1), 0);
    CU_ASSERT_EQUAL(task_setting_to_json(&s, NULL, 0), n);
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

CUNIT_MAIN("tasks_registry", CUNIT_TEST(test_task_names_follow_summary_column_order),
           CUNIT_TEST(test_task_find_returns_each_task_by_exact_name),
           CUNIT_TEST(test_task_find_unknown_name_fails_listing_known_names),
           CUNIT_TEST(test_task_baselines_match_spec),
           CUNIT_TEST(test_task_input_length_trims_only_context_and_noisy_recall),
           CUNIT_TEST(test_task_set_accepts_every_declared_key),
           CUNIT_TEST(test_task_set_unknown_key_lists_accepted_keys),
           CUNIT_TEST(test_task_set_malformed_number_names_key_and_type),
           CUNIT_TEST(test_task_set_out_of_range_names_key_and_range),
           CUNIT_TEST(test_task_validate_rejects_inconsistent_layouts),
           CUNIT_TEST(test_task_validate_rejects_out_of_range_fields),
           CUNIT_TEST(test_task_validate_accepts_smallest_layouts),
           CUNIT_TEST(test_task_setting_json_has_only_task_keys_in_fixed_order),
           CUNIT_TEST(test_task_setting_json_round_trips_reals),
           CUNIT_TEST(test_task_setting_json_reports_full_size_when_truncated),
           CUNIT_TEST(test_task_grid_counts_sum_to_66),
           CUNIT_TEST(test_task_grid_starts_with_the_baseline),
           CUNIT_TEST(test_task_grid_changes_one_factor_at_a_time_from_baseline),
           CUNIT_TEST(test_task_grid_noisy_vocab_keeps_sixteen_noise_ids),
           CUNIT_TEST(test_task_grid_settings_all_validate))
