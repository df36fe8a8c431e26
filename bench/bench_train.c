/* Training throughput at the baseline shape, against two yardsticks measured in the same run:
 * OpenBLAS sgemm peak on this thread, and (by bench/run) the PyTorch reference's step.
 * The FLOP count is model_flops_per_token (src/nn/flops.c). */
#include <cblas.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "madsweep/error.h"
#include "madsweep/train.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Best of several 1024^3 sgemm calls (the shape OpenBLAS runs fastest). */
static double sgemm_peak_gflops(void)
{
    int n = 1024;
    float *a = calloc((size_t)n * n, sizeof(float)), *b = calloc((size_t)n * n, sizeof(float)),
          *c = calloc((size_t)n * n, sizeof(float));
    double best = 1e30;
    for (int r = 0; r < 6; r++) {
        double t = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        t = now() - t;
        best = t < best ? t : best;
    }
    free(a), free(b), free(c);
    return 2.0 * n * n * n / best / 1e9;
}

typedef struct timing {
    double best, mean, gflops;
} timing_t;

/* warmup + steps training steps of one variant on d; the best and mean step time. */
static int time_variant(const variant_t *v, const task_setting_t *s, const dataset_t *d, int warmup, int steps,
                        timing_t *out)
{
    run_config_t cfg;
    run_config_default(&cfg, v, s);
    trainer_t tr;
    if (trainer_create(&tr, &cfg, d, d) != MS_OK)
        return 1;
    int *rows = malloc(sizeof(int) * (size_t)d->count);
    for (int i = 0; i < d->count; i++)
        rows[i] = i;
    double best = 1e30, total = 0, loss;
    int64_t scored;
    int rc = 0;
    for (int i = 0; i < warmup + steps && !rc; i++) {
        double t = now();
        rc = trainer_step(&tr, rows, d->count, 1e-3, &loss, &scored);
        t = now() - t;
        if (i >= warmup) {
            best = t < best ? t : best;
            total += t;
        }
    }
    out->best = best;
    out->mean = total / steps;
    out->gflops = model_flops_per_token(&tr.model.cfg) * d->count * d->length / best / 1e9;
    trainer_free(&tr);
    free(rows);
    return rc;
}

int main(int argc, char **argv)
{
    const char *variant_name = "delta_net_4layer";
    int batch = 128, len = 128, vocab = 16, steps = 5, warmup = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--variant")) variant_name = argv[i + 1];
        else if (!strcmp(argv[i], "--steps")) steps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seq-len")) len = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--batch")) batch = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: bench_train [--variant V|all] [--steps N] [--seq-len L] [--batch B]\n");
            return 2;
        }
    }
    bool all = strcmp(variant_name, "all") == 0;
    const variant_t *v = all ? variant_at(0) : variant_find(variant_name);
    if (!v) {
        fprintf(stderr, "%s\n", ms_error_message());
        return 2;
    }
    /* random tokens: throughput does not depend on what the tokens say */
    task_setting_t s;
    task_setting_baseline(&s, task_find("context_recall"));
    s.vocab_size = vocab;
    dataset_t d = {batch, len, malloc(sizeof(int32_t) * batch * len), malloc(sizeof(int32_t) * batch * len)};
    rng_t r;
    rng_seed(&r, 3);
    for (int i = 0; i < batch * len; i++) {
        d.inputs[i] = (int32_t)rng_below(&r, vocab);
        d.targets[i] = (int32_t)rng_below(&r, vocab);
    }
    double tokens = (double)batch * len;
    int rc = 0;
    if (all) {
        /* every variant against the baseline, each timed right after its own baseline measurement
         * so that drift in the machine's load shows in both */
        printf("| variant | s/step | baseline s/step | tokens/s | relative to delta_net_4layer |\n|---|---|---|---|---|\n");
        for (int i = 0; i < variant_count() && !rc; i++) {
            timing_t base, mine;
            rc = time_variant(variant_at(0), &s, &d, warmup, steps, &base);
            rc = rc ? rc : time_variant(variant_at(i), &s, &d, warmup, steps, &mine);
            if (!rc)
                printf("| %s | %.3f | %.3f | %.0f | %.2fx the time |\n", variant_at(i)->name, mine.best, base.best,
                       tokens / mine.best, mine.best / base.best);
            fflush(stdout);
        }
    } else {
        timing_t t;
        rc = time_variant(v, &s, &d, warmup, steps, &t);
        double peak = sgemm_peak_gflops();
        if (!rc)
            printf("{\"variant\": \"%s\", \"batch\": %d, \"seq_len\": %d, \"tokens_per_second\": %.1f, "
                   "\"seconds_per_step\": %.4f, \"steps\": %d, \"mean_seconds_per_step\": %.4f, \"gflops\": %.2f, "
                   "\"sgemm_peak_gflops\": %.2f, \"fraction_of_peak\": %.3f}\n",
                   variant_name, batch, len, tokens / t.best, t.best, steps, t.mean, t.gflops, peak, t.gflops / peak);
    }
    if (rc)
        fprintf(stderr, "%s\n", ms_error_message());
    free(d.inputs), free(d.targets);
    return rc ? 1 : 0;
}
