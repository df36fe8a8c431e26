/* Memorization (tasks.md §6): key, insert pairs; one fixed key->value map per setting, the same
 * in every instance and in both splits, drawn from the data seed. */
#include "cunit_main.h"

#include "madsweep/error.h"
#include "madsweep/task.h"

#include <stdbool.h>
#include <stdlib.h>

typedef struct memo_tally {
    long layout_bad; /* a key, insert or target out of place or out of its range */
    long map_bad;    /* a key whose value differs from the one it had before */
    long scored, rows, keys_seen;
    bool values_distinct;
} memo_tally_t;

/* Tallies both splits against one map (map[k] = -1 until key k shows up). */
static memo_tally_t memo_tally(const task_setting_t *s, const dataset_t *splits, int *map)
{
    memo_tally_t t = {0};
    const int nk = (s->vocab_size - 1) / 2, insert = s->vocab_size - 1;
    for (int k = 0; k < nk; k++)
        map[k] = -1;
    for (int k = 0; k < 2; k++) {
        const dataset_t *d = &splits[k];
        for (int r = 0; r < d->count; r++, t.rows++) {
            const int32_t *x = d->inputs + (size_t)r * d->length, *y = d->targets + (size_t)r * d->length;
            for (int j = 0; j + 1 < d->length; j += 2) {
                int key = x[j], v = y[j + 1];
                t.layout_bad += key < 0 || key >= nk || x[j + 1] != insert || y[j] != TASK_IGN ||
                                v < nk || v >= insert;
                if (key < 0 || key >= nk)
                    continue;
                t.scored += v != TASK_IGN;
                t.map_bad += map[key] >= 0 && map[key] != v;
                t.keys_seen += map[key] < 0;
                map[key] = v;
            }
        }
    }
    /* The map pairs shuffled keys with shuffled values: no two keys share a value. */
    char *used = calloc((size_t)s->vocab_size, 1);
    t.values_distinct = true;
    for (int k = 0; k < nk; k++)
        if (map[k] >= 0) {
            t.values_distinct &= !used[map[k]];
            used[map[k]] = 1;
        }
    free(used);
    return t;
}

/* The baseline, V = 1024 and V = 8192 (tasks.md §7). */
static const int grid[3] = {0, 2, 5};

static memo_tally_t memo_tally_setting(const task_setting_t *s, int **map)
{
    dataset_t d[2];
    int status = task_generate(s, &d[0], &d[1]);
    if (status)
        fprintf(stderr, "\n%s\n", ms_error_message());
    CU_ASSERT_EQUAL_FATAL(status, MS_OK);
    *map = malloc(sizeof(int) * (size_t)s->vocab_size);
    memo_tally_t t = memo_tally(s, d, *map);
    dataset_free(&d[0]);
    dataset_free(&d[1]);
    return t;
}

static void test_memorize_alternates_keys_and_insert_tokens(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        int *map;
        task_grid_setting(task_find("memorize"), grid[w], &s);
        memo_tally_t t = memo_tally_setting(&s, &map);
        CU_ASSERT_EQUAL(t.layout_bad, 0);
        free(map);
    }
}

static void test_memorize_map_is_identical_across_instances_and_splits(void)
{
    for (int w = 0; w < 3; w++) {
        task_setting_t s;
        int *map;
        task_grid_setting(task_find("memorize"), grid[w], &s);
        memo_tally_t t = memo_tally_setting(&s, &map);
        CU_ASSERT_EQUAL(t.map_bad, 0);
        CU_ASSERT_TRUE(t.values_distinct);
        CU_ASSERT(t.keys_seen > 1);
        free(map);
    }
}

static void test_memorize_map_depends_on_the_data_seed(void)
{
    task_setting_t s;
    int *a, *b;
    task_setting_baseline(&s, task_find("memorize"));
    memo_tally_setting(&s, &a);
    s.data_seed = 777;
    memo_tally_setting(&s, &b);
    int differ = 0;
    for (int k = 0; k < (s.vocab_size - 1) / 2; k++)
        differ += a[k] >= 0 && b[k] >= 0 && a[k] != b[k];
    CU_ASSERT(differ > 0);
    free(a);
    free(b);
}

static void test_memorize_scores_16_positions_per_test_sequence(void)
{
    task_setting_t s;
    dataset_t d[2];
    task_setting_baseline(&s, task_find("memorize"));
    CU_ASSERT_EQUAL_FATAL(task_generate(&s, &d[0], &d[1]), MS_OK);
    long scored = 0;
    for (size_t i = 0; i < (size_t)d[1].count * d[1].length; i++)
        scored += d[1].targets[i] != TASK_IGN;
    CU_ASSERT_EQUAL(d[1].count, 1280);
    CU_ASSERT_EQUAL(scored, 16 * 1280);
    dataset_free(&d[0]);
    dataset_free(&d[1]);
}

CUNIT_MAIN("tasks_memorize", CUNIT_TEST(test_memorize_alternates_keys_and_insert_tokens),
           CUNIT_TEST(test_memorize_map_is_identical_across_instances_and_splits),
           CUNIT_TEST(test_memorize_map_depends_on_the_data_seed),
           CUNIT_TEST(test_memorize_scores_16_positions_per_test_sequence))
