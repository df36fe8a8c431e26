#include "madsweep/metrics.h"

#include <stdlib.h>

#include "madsweep/error.h"
#include "madsweep/task.h"

int accuracy_add_batch(accuracy_t *acc, const int32_t *predictions, const int32_t *targets,
                       int64_t n, int sequences, int vocab_size)
{
    /* per class: [0] times it is the target, [1] times it is predicted right, [2] predicted */
    int64_t (*count)[3] = calloc((size_t)vocab_size, sizeof *count);
    if (!count)
        return ms_fail(MS_ERR_RUN, "out of memory counting classes");
    for (int64_t i = 0; i < n; i++) {
        if (targets[i] == TASK_IGN)
            continue;
        count[targets[i]][0]++;
        count[predictions[i]][2]++;
        if (predictions[i] == targets[i]) {
            count[targets[i]][1]++;
            acc->correct++;
        }
        acc->scored++;
    }
    double recall_sum = 0.0;
    int classes = 0;
    for (int c = 0; c < vocab_size; c++) {
        if (count[c][0] == 0 && count[c][2] == 0)
            continue;
        classes++;
        if (count[c][0] > 0)
            recall_sum += (double)count[c][1] / (double)count[c][0];
    }
    free(count);
    if (classes > 0) { /* a batch with nothing scored has no MAD accuracy and no weight */
        acc->mad_sum += recall_sum / classes * sequences;
        acc->mad_sequences += sequences;
    }
    return MS_OK;
}

double accuracy_token(const accuracy_t *acc)
{
    return acc->scored ? (double)acc->correct / (double)acc->scored : 0.0;
}

double accuracy_mad(const accuracy_t *acc)
{
    return acc->mad_sequences ? acc->mad_sum / (double)acc->mad_sequences : 0.0;
}
