/* The vectorisable exp used by the ops: accurate to a couple of ulp over the float range, and
 * finite at the clamps. */
#include <CUnit/CUnit.h>
#include <math.h>

#include "../../src/core/fast_exp.h"
#include "cunit_main.h"

static void test_fast_exp_relative_error_below_2e7(void)
{
    double worst = 0.0;
    for (float x = -87.0f; x < 88.3f; x += 0.000913f) {
        double want = exp((double)x);
        worst = fmax(worst, fabs(fast_expf(x) - want) / want);
    }
    printf(" worst relative error %.3g ", worst);
    CU_ASSERT(worst < 2e-7);
}

static void test_fast_exp_is_finite_and_positive_beyond_the_clamps(void)
{
    CU_ASSERT(isfinite(fast_expf(1000.0f)) && fast_expf(1000.0f) > 1e38f);
    CU_ASSERT(fast_expf(-1000.0f) > 0.0f && fast_expf(-1000.0f) < 1e-37f);
    CU_ASSERT_DOUBLE_EQUAL(fast_sigmoidf(-1000.0f), 0.0, 1e-30);
    CU_ASSERT_DOUBLE_EQUAL(fast_sigmoidf(1000.0f), 1.0, 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(fast_sigmoidf(0.0f), 0.5, 1e-7);
}

CUNIT_MAIN("fast_exp", CUNIT_TEST(test_fast_exp_relative_error_below_2e7),
           CUNIT_TEST(test_fast_exp_is_finite_and_positive_beyond_the_clamps))
