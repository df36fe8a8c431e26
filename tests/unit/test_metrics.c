/* Both accuracies of protocol.md §2 on examples worked out by hand. */
#include <CUnit/CUnit.h>

#include "cunit_main.h"
#include "madsweep/metrics.h"
#include "madsweep/optim.h"

#define IGN (-100)

static void test_mad_accuracy_averages_per_class_recall_over_seen_classes(void)
{
    /* targets 0 0 0 1 1 2, predictions 0 0 1 1 3 2 (one position unscored).
     * recall: class 0 2/3, class 1 1/2, class 2 1/1, class 3 predicted but never a target: 0.
     * MAD = (2/3 + 1/2 + 1 + 0) / 4 = 13/24; token accuracy 4/6. */
    int32_t targets[] = {0, 0, 0, 1, 1, 2, IGN};
    int32_t predictions[] = {0, 0, 1, 1, 3, 2, 1};
    accuracy_t acc = {0};
    CU_ASSERT_EQUAL(accuracy_add_batch(&acc, predictions, targets, 7, 2, 5), 0);
    CU_ASSERT_DOUBLE_EQUAL(accuracy_mad(&acc), 13.0 / 24.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(accuracy_token(&acc), 4.0 / 6.0, 1e-12);
}

static void test_mad_accuracy_weights_batches_by_size_including_a_partial_last(void)
{
    /* batch 1 (3 sequences): all right -> 1.0; batch 2 (1 sequence, the partial last batch):
     * target 4 predicted 0 -> classes {0, 4} -> (0 + 0) / 2 = 0. MAD = (3 * 1 + 1 * 0) / 4. */
    int32_t t1[] = {1, 2, 3}, p1[] = {1, 2, 3}, t2[] = {4}, p2[] = {0};
    accuracy_t acc = {0};
    accuracy_add_batch(&acc, p1, t1, 3, 3, 5);
    accuracy_add_batch(&acc, p2, t2, 1, 1, 5);
    CU_ASSERT_DOUBLE_EQUAL(accuracy_mad(&acc), 0.75, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(accuracy_token(&acc), 0.75, 1e-12);
}

static void test_cosine_schedule_endpoints(void)
{
    CU_ASSERT_DOUBLE_EQUAL(schedule_cosine_lr(1e-3, 0, 200), 1e-3, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(schedule_cosine_lr(1e-3, 100, 200), 1e-6 + (1e-3 - 1e-6) / 2, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(schedule_cosine_lr(1e-3, 200, 200), 1e-6, 1e-15);
}

static void test_adamw_matches_hand_computed_first_step(void)
{
    /* step 1: m = 0.1 g, v = 0.001 g^2, mhat = g, vhat = g^2: p' = p (1 - lr wd) - lr g / (|g| + eps) */
    float p[2] = {1.0f, -2.0f}, g[2] = {0.5f, -0.25f}, m[2] = {0}, v[2] = {0};
    adamw_config_t c = {0.1, 0.1, 0.9, 0.999, 1e-8};
    adamw_update(p, g, m, v, 2, &c, 1);
    CU_ASSERT_DOUBLE_EQUAL(p[0], 1.0 * 0.99 - 0.1, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(p[1], -2.0 * 0.99 + 0.1, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(m[0], 0.05, 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(v[1], 0.001 * 0.0625, 1e-9);
}

CUNIT_MAIN("metrics", CUNIT_TEST(test_mad_accuracy_averages_per_class_recall_over_seen_classes),
           CUNIT_TEST(test_mad_accuracy_weights_batches_by_size_including_a_partial_last),
           CUNIT_TEST(test_cosine_schedule_endpoints), CUNIT_TEST(test_adamw_matches_hand_computed_first_step))
