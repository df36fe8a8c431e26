/* The settings grid of tasks.md §7: the baseline, then each axis's values one at a time, every
 * other key left at its baseline value. */
#include "task_internal.h"

int task_grid_count(const task_def_t *task)
{
    const task_impl_t *impl = task_impl_of(task);
    if (!impl)
        return 0;
    int n = 1;
    for (int a = 0; a < impl->num_axes; a++)
        n += impl->axes[a].count;
    return n;
}

/* An index outside [0, task_grid_count) gives the baseline. */
void task_grid_setting(const task_def_t *task, int i, task_setting_t *out)
{
    task_setting_baseline(out, task);
    const task_impl_t *impl = task_impl_of(task);
    if (!impl || i <= 0)
        return;
    i--;
    for (int a = 0; a < impl->num_axes; a++) {
        const task_grid_axis_t *axis = &impl->axes[a];
        if (i < axis->count) {
            task_setting_put(out, axis->key, axis->values[i]);
            return;
        }
        i -= axis->count;
    }
}
