/* Generation of both splits (tasks.md "Conventions"): one generator seeded with the data seed
 * makes the training split and then continues into the test split. */
#include "task_internal.h"

#include "madsweep/error.h"

#include <stdlib.h>

static int dataset_alloc(dataset_t *d, int count, int length)
{
    size_t n = (size_t)count * (size_t)length;
    d->count = count;
    d->length = length;
    d->inputs = malloc(sizeof(int32_t) * n);
    d->targets = malloc(sizeof(int32_t) * n);
    if (!d->inputs || !d->targets) {
        dataset_free(d);
        return ms_fail(MS_ERR_RUN, "out of memory for %d instances of %d tokens", count, length);
    }
    return MS_OK;
}

int task_generate(const task_setting_t *s, dataset_t *train, dataset_t *test)
{
    *train = (dataset_t){0};
    *test = (dataset_t){0};
    int status = task_setting_validate(s);
    if (status)
        return status;
    const task_impl_t *impl = task_impl_of(s->task);
    int length = task_input_length(s);
    status = dataset_alloc(train, s->num_train, length);
    if (!status)
        status = dataset_alloc(test, s->num_test, length);
    rng_t r;
    rng_seed(&r, (uint64_t)s->data_seed);
    if (!status)
        status = impl->fill(s, &r, train, true);
    if (!status)
        status = impl->fill(s, &r, test, false);
    if (status) {
        dataset_free(train);
        dataset_free(test);
    }
    return status;
}

void dataset_free(dataset_t *d)
{
    if (!d)
        return;
    free(d->inputs);
    free(d->targets);
    *d = (dataset_t){0};
}
