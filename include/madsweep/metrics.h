/* The two accuracies of protocol.md §2, accumulated batch by batch over the test split. */
#ifndef MADSWEEP_METRICS_H
#define MADSWEEP_METRICS_H

#include <stdint.h>

typedef struct accuracy {
    int64_t scored, correct;   /* token accuracy = correct / scored */
    double mad_sum;            /* sum over batches of (batch MAD accuracy * batch size) */
    int64_t mad_sequences;     /* sum of batch sizes */
    double loss_sum;           /* cross-entropy summed over scored positions */
} accuracy_t;

/* Adds one evaluation batch: predictions and targets for n positions (TASK_IGN unscored), from
 * `sequences` sequences, over a vocabulary of vocab_size classes. The batch's MAD accuracy is
 * the per-class recall averaged over the classes that occur as a target or a prediction at
 * scored positions; a class predicted but never a target scores 0. Returns MS_OK or an error
 * when out of memory. */
int accuracy_add_batch(accuracy_t *acc, const int32_t *predictions, const int32_t *targets,
                       int64_t n, int sequences, int vocab_size);

double accuracy_token(const accuracy_t *acc);
double accuracy_mad(const accuracy_t *acc);

#endif
