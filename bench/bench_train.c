/* Training throughput at the baseline shape, against two yardsticks measured in the same run:
 * OpenBLAS sgemm peak on this thread, and (by bench/run) the PyTorch reference's step.
 * The FLOP count is model_flops_per_token (src/nn/flops.c). */
#include <cblas.h>
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

int main(int argc, char **argv)
{
    const char *variant_name = "delta_net_4layer";
    int batch = 128, len = 128, vocab = 16, steps = 5, warmup = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--variant")) variant_name = argv[i + 1];
        else if (!strcmp(argv[i], "--steps")) steps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seq-len")) len = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--batch")) batch = atoi(argv[i + 1]);
        else { fprintf(stderr, "usage: bench_train [--variant V] [--steps N] [--seq-len L] [--batch B]\n"); return 2; }
    }
    const variant_t *v = variant_find(variant_name);
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
    run_config_t cfg;
    run_config_default(&cfg, v, &s);
    trainer_t tr;
    if (trainer_create(&tr, &cfg, &d, &d) != MS_OK) {
        fprintf(stderr, "%s\n", ms_error_message());
        return 1;
    }
    int *rows = malloc(sizeof(int) * batch);
    for (int i = 0; i < batch; i++)
        rows[i] = i;
    double best = 1e30, total = 0, loss;
    int64_t scored;
    for (int i = 0; i < warmup + steps; i++) {
        double t = now();
        if (trainer_step(&tr, rows, batch, 1e-3, &loss, &scored) != MS_OK) {
            fprintf(stderr, "%s\n", ms_error_message());
            return 1;
        }
        t = now() - t;
        if (i >= warmup) {
            best = t < best ? t : best;
            total += t;
        }
    }
    double peak = sgemm_peak_gflops(), tokens = (double)batch * len;
    double gflops = model_flops_per_token(&tr.model.cfg) * tokens / best / 1e9;
    printf("{\"variant\": \"%s\", \"batch\": %d, \"seq_len\": %d, \"tokens_per_second\": %.1f, "
           "\"seconds_per_step\": %.4f, \"steps\": %d, \"mean_seconds_per_step\": %.4f, \"gflops\": %.2f, "
           "\"sgemm_peak_gflops\": %.2f, \"fraction_of_peak\": %.3f}\n",
           variant_name, batch, len, tokens / best, best, steps, total / steps, gflops, peak, gflops / peak);
    trainer_free(&tr);
    free(rows), free(d.inputs), free(d.targets);
    return 0;
}
