/* Helpers shared by the task registry and settings tests. */
#ifndef MADSWEEP_TASK_TESTING_H
#define MADSWEEP_TASK_TESTING_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/task.h"

/* The exact task names, in the summary table's column order. */
static const char *const task_names[] = {"compress", "context_recall", "fuzzy_recall",
                                         "memorize", "noisy_recall",   "selective_copy"};

static inline task_setting_t baseline_of(const char *name)
{
    task_setting_t s;
    const task_def_t *t = task_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    task_setting_baseline(&s, t);
    return s;
}

/* Whether the last recorded error mentions needle. */
static inline bool message_has(const char *needle) { return strstr(ms_error_message(), needle) != NULL; }

#endif
