/* --set parsing, whole-setting validation and the JSON form of a setting (docs/tasks.md). */
#include "cunit_main.h"
#include "task_testing.h"

#include "madsweep/error.h"
#include "madsweep/task.h"

#include <stdlib.h>
#include <string.h>

static void test_task_set_accepts_every_declared_key(void)
{
    for (int i = 0; i < 6; i++) {
        task_setting_t s = baseline_of(task_names[i]);
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
        s = baseline_of(task_names[i]);
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

CUNIT_MAIN("tasks_settings",
           CUNIT_TEST(test_task_set_accepts_every_declared_key),
           CUNIT_TEST(test_task_set_unknown_key_lists_accepted_keys),
           CUNIT_TEST(test_task_set_malformed_number_names_key_and_type),
           CUNIT_TEST(test_task_set_out_of_range_names_key_and_range),
           CUNIT_TEST(test_task_validate_rejects_inconsistent_layouts),
           CUNIT_TEST(test_task_validate_rejects_out_of_range_fields),
           CUNIT_TEST(test_task_validate_accepts_smallest_layouts),
           CUNIT_TEST(test_task_setting_json_has_only_task_keys_in_fixed_order),
           CUNIT_TEST(test_task_setting_json_round_trips_reals),
           CUNIT_TEST(test_task_setting_json_reports_full_size_when_truncated))
