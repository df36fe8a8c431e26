/* One main for every CUnit program: register the suites, run them verbosely, and make the
 * failure count the exit status, so ctest and CI see every failed assertion. */
#ifndef MADSWEEP_CUNIT_MAIN_H
#define MADSWEEP_CUNIT_MAIN_H

#include <CUnit/Basic.h>
#include <stdio.h>

typedef struct cunit_test {
    const char *name;
    void (*fn)(void);
} cunit_test_t;

/* Runs the NULL-terminated tests as one suite named suite; returns the failure count (or 1). */
static inline int cunit_run(const char *suite, const cunit_test_t *tests)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite(suite, NULL, NULL);
    if (!s)
        return 1;
    for (const cunit_test_t *t = tests; t->name; t++)
        if (!CU_add_test(s, t->name, t->fn))
            return 1;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (ran == 0) {
        fprintf(stderr, "%s: no test ran\n", suite);
        return 1;
    }
    return failures > 255 ? 255 : (int)failures;
}

#define CUNIT_MAIN(suite, ...)                                   \
    int main(void)                                               \
    {                                                            \
        static const cunit_test_t tests[] = {__VA_ARGS__, {0}};  \
        return cunit_run(suite, tests);                          \
    }
#define CUNIT_TEST(fn) {#fn, fn}

#endif
