/* The task registry: exact names in the summary table's column order, lookup, baselines and
 * input lengths (spec/tasks.md; protocol.md §3 fixes the column order). */
#include "task_internal.h"

#include "madsweep/error.h"

#include <stdio.h>
#include <string.h>

/* The summary table's column order: alphabetical by name. */
static const task_impl_t *const task_impls[] = {
    &task_impl_compress,     &task_impl_context_recall, &task_impl_fuzzy_recall,
    &task_impl_memorize,     &task_impl_noisy_recall,   &task_impl_selective_copy,
};
enum { TASK_COUNT = (int)(sizeof task_impls / sizeof task_impls[0]) };

int task_count(void) { return TASK_COUNT; }

const task_def_t *task_at(int i)
{
    if (i < 0 || i >= TASK_COUNT)
        return NULL;
    return task_impls[i]->def;
}

const task_def_t *task_find(const char *name)
{
    for (int i = 0; name && i < TASK_COUNT; i++)
        if (strcmp(task_impls[i]->def->name, name) == 0)
            return task_impls[i]->def;
    char known[256] = "";
    for (int i = 0; i < TASK_COUNT; i++) {
        size_t used = strlen(known);
        snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", task_impls[i]->def->name);
    }
    ms_fail(MS_ERR_INPUT, "unknown task '%s'; known tasks: %s", name ? name : "(null)", known);
    return NULL;
}

const task_impl_t *task_impl_of(const task_def_t *task)
{
    for (int i = 0; task && i < TASK_COUNT; i++)
        if (task_impls[i]->def == task)
            return task_impls[i];
    ms_fail(MS_ERR_INPUT, "the task setting names no registered task (%s)", task ? task->name : "none");
    return NULL;
}

void task_setting_baseline(task_setting_t *s, const task_def_t *task)
{
    const task_impl_t *impl = task_impl_of(task);
    if (!impl) {
        memset(s, 0, sizeof *s);
        return;
    }
    *s = impl->baseline;
}

int task_input_length(const task_setting_t *s)
{
    const task_impl_t *impl = task_impl_of(s->task);
    return impl ? s->seq_len - impl->input_trim : 0;
}
