/* The epoch loop of protocol.md §1: shuffled batches, AdamW under the cosine schedule,
 * evaluation after every epoch, early stop, and the final metrics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "madsweep/error.h"
#include "madsweep/ops.h"
#include "madsweep/optim.h"
#include "madsweep/train.h"

enum { MICRO_BATCH_TOKENS = 4096, EVAL_BATCH = 128 };

int train_micro_batch(int seq_len, int batch_size)
{
    int n = MICRO_BATCH_TOKENS / (seq_len > 0 ? seq_len : 1);
    return n < 1 ? 1 : n > batch_size ? batch_size : n;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int trainer_create(trainer_t *tr, const run_config_t *cfg, const dataset_t *train, const dataset_t *test)
{
    memset(tr, 0, sizeof *tr);
    tr->cfg = *cfg;
    tr->train = train;
    tr->test = test;
    tape_init(&tr->tape);
    model_config_t mc;
    run_config_model(cfg, &mc);
    int status = model_create(&tr->model, &mc);
    if (status != MS_OK)
        return status;
    params_initialise(&tr->model.params, cfg->seed);
    size_t n = tr->model.params.total, len = (size_t)train->length;
    size_t rows = (size_t)(cfg->batch_size > EVAL_BATCH ? cfg->batch_size : EVAL_BATCH);
    tr->adam_m = calloc(n, sizeof(float));
    tr->adam_v = calloc(n, sizeof(float));
    tr->batch_tokens = malloc(rows * len * sizeof(int32_t));
    tr->batch_targets = malloc(rows * len * sizeof(int32_t));
    tr->predictions = malloc(rows * len * sizeof(int32_t));
    tr->order = malloc((size_t)train->count * sizeof(int));
    if (!tr->adam_m || !tr->adam_v || !tr->batch_tokens || !tr->batch_targets || !tr->predictions || !tr->order)
        return ms_fail(MS_ERR_RUN, "out of memory for a run of %zu parameters", n);
    tr->final = (final_metrics_t){.best_epoch = -1, .best_test_loss = NAN, .best_test_perplexity = NAN,
                                  .stop_reason = "running"};
    return MS_OK;
}

void trainer_free(trainer_t *tr)
{
    model_free(&tr->model);
    tape_free(&tr->tape);
    free(tr->adam_m);
    free(tr->adam_v);
    free(tr->batch_tokens);
    free(tr->batch_targets);
    free(tr->predictions);
    free(tr->order);
}

/* Copies rows idx[0..count) of d into the batch buffers. */
static void gather_rows(trainer_t *tr, const dataset_t *d, const int *idx, int count)
{
    size_t len = (size_t)d->length;
    for (int i = 0; i < count; i++) {
        memcpy(tr->batch_tokens + i * len, d->inputs + (size_t)idx[i] * len, len * sizeof(int32_t));
        memcpy(tr->batch_targets + i * len, d->targets + (size_t)idx[i] * len, len * sizeof(int32_t));
    }
}

int trainer_step(trainer_t *tr, const int *rows, int count, double lr, double *loss, int64_t *scored_out)
{
    gather_rows(tr, tr->train, rows, count);
    int len = tr->train->length, micro = train_micro_batch(len, tr->cfg.batch_size);
    int64_t scored = 0;
    for (size_t i = 0; i < (size_t)count * len; i++)
        scored += tr->batch_targets[i] != TASK_IGN;
    float scale = 1.0f / (float)(scored > 0 ? scored : 1);
    params_t *p = &tr->model.params;
    params_zero_grad(p);
    double total = 0.0;
    for (int first = 0; first < count; first += micro) {
        int n = count - first < micro ? count - first : micro;
        tape_t *t = &tr->tape;
        tape_reset(t);
        t->recording = true;
        const int32_t *tokens = tr->batch_tokens + (size_t)first * len;
        tensor_t *logits = model_logits(t, &tr->model, tokens, n, len);
        tensor_t *l = op_cross_entropy(t, logits, tr->batch_targets + (size_t)first * len, scale);
        if (tape_backward(t, l) != MS_OK)
            return MS_ERR_RUN;
        total += l->data[0];
    }
    *loss = total;
    *scored_out = scored;
    if (!isfinite(total))
        return MS_OK; /* the caller stops the run; the parameters stay as they were */
    adamw_config_t ac = {lr, tr->cfg.weight_decay, tr->cfg.beta1, tr->cfg.beta2, tr->cfg.adam_eps};
    tr->step++;
    adamw_update(p->data, p->grad, tr->adam_m, tr->adam_v, p->total, &ac, tr->step);
    return MS_OK;
}

int trainer_evaluate(trainer_t *tr, const dataset_t *d, accuracy_t *acc)
{
    memset(acc, 0, sizeof *acc);
    int len = d->length, v = tr->model.cfg.vocab_size, micro = train_micro_batch(len, EVAL_BATCH);
    tape_t *t = &tr->tape;
    for (int first = 0; first < d->count; first += EVAL_BATCH) {
        int count = d->count - first < EVAL_BATCH ? d->count - first : EVAL_BATCH;
        const int32_t *targets = d->targets + (size_t)first * len;
        for (int m = 0; m < count; m += micro) {
            int n = count - m < micro ? count - m : micro;
            tape_reset(t);
            t->recording = false;
            const int32_t *mt = targets + (size_t)m * len;
            tensor_t *logits = model_logits(t, &tr->model, d->inputs + (size_t)(first + m) * len, n, len);
            tensor_t *l = op_cross_entropy(t, logits, mt, 1.0f);
            if (!l)
                return MS_ERR_RUN;
            acc->loss_sum += l->data[0];
            int32_t *pred = tr->predictions + (size_t)m * len;
            for (size_t r = 0; r < (size_t)n * len; r++) {
                const float *row = logits->data + r * v;
                int best = 0;
                for (int j = 1; j < v; j++)
                    if (row[j] > row[best])
                        best = j;
                pred[r] = best;
            }
        }
        int status = accuracy_add_batch(acc, tr->predictions, targets, (int64_t)count * len, count, v);
        if (status != MS_OK)
            return status;
    }
    return MS_OK;
}

/* Batch order of an epoch: a function of (seed, epoch) alone, so a resumed run sees the same. */
static void epoch_order(trainer_t *tr, int epoch)
{
    rng_t r;
    rng_seed(&r, tr->cfg.seed + 1000003ULL * (uint64_t)(epoch + 1));
    for (int i = 0; i < tr->train->count; i++)
        tr->order[i] = i;
    rng_shuffle_int(&r, tr->order, tr->train->count);
}

static void update_final(final_metrics_t *f, const epoch_row_t *e)
{
    if (f->best_epoch < 0 || e->test_perplexity < f->best_test_perplexity) {
        f->best_epoch = e->epoch;
        f->best_test_loss = e->test_loss;
        f->best_test_perplexity = e->test_perplexity;
        f->token_accuracy = e->token_accuracy;
        f->mad_accuracy = e->mad_accuracy;
    }
    if (e->token_accuracy > f->max_token_accuracy)
        f->max_token_accuracy = e->token_accuracy;
    if (e->mad_accuracy > f->max_mad_accuracy)
        f->max_mad_accuracy = e->mad_accuracy;
    f->epochs_run = e->epoch + 1;
}

/* The end of the run, decided after an epoch's evaluation. */
static void check_done(trainer_t *tr, const epoch_row_t *row)
{
    if (!isfinite(row->test_loss)) {
        tr->final.stop_reason = "nan";
        tr->done = true;
    } else if (row->mad_accuracy >= tr->cfg.early_stop) {
        tr->final.stop_reason = "early_stop";
        tr->done = true;
    } else if (tr->epoch >= tr->cfg.epochs) {
        tr->final.stop_reason = "epochs";
        tr->done = true;
    }
}

int trainer_run_epoch(trainer_t *tr, runlog_t *log, epoch_row_t *out, train_stop_fn stop, void *ctx)
{
    double start = now_seconds();
    int epoch = tr->epoch, bs = tr->cfg.batch_size, n = tr->train->count, status;
    double lr = schedule_cosine_lr(tr->cfg.lr, epoch, tr->cfg.epochs);
    epoch_progress_t *p = &tr->progress;
    out->epoch = -1;
    tr->interrupted = false;
    epoch_order(tr, epoch);
    for (int first = p->batch * bs; first < n; first += bs) {
        int count = n - first < bs ? n - first : bs;
        double loss;
        int64_t scored;
        if ((status = trainer_step(tr, tr->order + first, count, lr, &loss, &scored)) != MS_OK)
            return status;
        step_row_t row = {tr->step + !isfinite(loss), epoch, (float)loss, (float)lr};
        if (log && (status = runlog_append_step(log, &row)) != MS_OK)
            return status;
        if (!isfinite(loss)) {
            tr->final.stop_reason = "nan";
            tr->done = true;
            return MS_OK;
        }
        p->batch++;
        p->loss_sum += loss * (double)scored;
        p->scored += scored;
        if (stop && first + count < n && stop(ctx)) {
            p->seconds += now_seconds() - start;
            tr->interrupted = true;
            return MS_OK;
        }
    }
    accuracy_t acc;
    if ((status = trainer_evaluate(tr, tr->test, &acc)) != MS_OK)
        return status;
    double test_loss = acc.scored ? acc.loss_sum / (double)acc.scored : NAN;
    epoch_row_t row = {epoch, p->scored ? p->loss_sum / (double)p->scored : NAN, test_loss, exp(test_loss),
                       accuracy_token(&acc), accuracy_mad(&acc), p->seconds + now_seconds() - start};
    if (log && (status = runlog_append_epoch(log, &row)) != MS_OK)
        return status;
    *out = row;
    update_final(&tr->final, &row);
    tr->epoch++;
    *p = (epoch_progress_t){0};
    check_done(tr, &row);
    return MS_OK;
}

int train_run(const run_config_t *cfg, const dataset_t *train, const dataset_t *test, runlog_t *log,
              const train_hooks_t *hooks, trainer_t *resume_from, final_metrics_t *final, bool *stopped)
{
    static const train_hooks_t none = {0};
    hooks = hooks ? hooks : &none;
    double start = now_seconds();
    trainer_t own, *tr = resume_from ? resume_from : &own;
    int status = resume_from ? MS_OK : trainer_create(&own, cfg, train, test);
    bool save = hooks->checkpoint && log;
    if (stopped)
        *stopped = false;
    while (status == MS_OK && !tr->done) {
        epoch_row_t row;
        status = trainer_run_epoch(tr, log, &row, hooks->stop, hooks->ctx);
        if (status == MS_OK && log)
            status = runlog_flush(log);
        if (status == MS_OK && tr->interrupted) {
            tr->earlier_seconds += now_seconds() - start;
            if (save)
                status = checkpoint_save(hooks->checkpoint, tr, log);
            if (stopped)
                *stopped = true;
            break;
        }
        if (status == MS_OK && save && !tr->done)
            status = checkpoint_save(hooks->checkpoint, tr, log);
        if (status == MS_OK && hooks->progress && row.epoch >= 0)
            hooks->progress(hooks->ctx, &row);
    }
    if (!tr->interrupted) {
        tr->final.wall_seconds = tr->earlier_seconds + now_seconds() - start;
        if (status == MS_OK && log)
            status = runlog_finish(log, &tr->final);
    }
    *final = tr->final;
    if (!resume_from)
        trainer_free(&own);
    return status;
}
