/* madsweep train: one run, logged to one HDF5 file. The log is written as OUT.part and renamed
 * to OUT when the run ends, so a file at OUT is always whole. */
#include <stdio.h>

#include "cli.h"
#include "madsweep/error.h"

static void print_epoch(void *ctx, const epoch_row_t *r)
{
    (void)ctx;
    fprintf(stderr, "epoch %3d  train loss %.4f  test loss %.4f  token acc %.4f  MAD acc %.4f  %.1fs\n", r->epoch,
            r->train_loss, r->test_loss, r->token_accuracy, r->mad_accuracy, r->seconds);
}

int cmd_train(int argc, char **argv)
{
    cli_options_t o;
    run_config_t cfg;
    int status = cli_parse(argc, argv, 2, "train", "variant,task,set,seed,lr,wd,epochs,out", &o);
    if (status == MS_OK)
        status = cli_run_config(&o, &cfg);
    if (status == MS_OK && !o.out)
        status = ms_fail(MS_ERR_INPUT, "--out is required");
    char part[4096];
    if (status == MS_OK) {
        snprintf(part, sizeof part, "%s.part", o.out);
        status = cli_check_writable(o.out);
    }
    if (status != MS_OK)
        return status;

    char config[4096];
    run_config_to_json(&cfg, config, sizeof config);
    dataset_t train = {0}, test = {0};
    runlog_t *log = NULL;
    final_metrics_t final;
    status = runlog_open(&log, part, config);
    if (status == MS_OK)
        status = task_generate(&cfg.setting, &train, &test);
    if (status == MS_OK)
        status = train_run(&cfg, &train, &test, log, &(train_hooks_t){.progress = print_epoch}, NULL, &final, NULL);
    int closed = runlog_close(log);
    status = status != MS_OK ? status : closed;
    dataset_free(&train);
    dataset_free(&test);
    if (status != MS_OK)
        return status; /* the .part file stays behind as evidence; it is never mistaken for a run */
    if (rename(part, o.out) != 0)
        return ms_fail(MS_ERR_RUN, "cannot rename '%s' to '%s'", part, o.out);
    printf("%s: stop %s after %d epochs, best epoch %d: token acc %.4f, MAD acc %.4f "
           "(max %.4f / %.4f), %.1fs\n",
           o.out, final.stop_reason, final.epochs_run, final.best_epoch, final.token_accuracy,
           final.mad_accuracy, final.max_token_accuracy, final.max_mad_accuracy, final.wall_seconds);
    if (final.stop_reason[0] == 'n') /* "nan" */
        return ms_fail(MS_ERR_RUN, "the loss became NaN or infinite; the log '%s' records the run up to there",
                       o.out);
    return MS_OK;
}
