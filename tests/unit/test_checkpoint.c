/* A run stopped mid-epoch and resumed from its checkpoint ends with the numbers of the same run
 * uninterrupted, and its log holds the same rows. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "madsweep/h5util.h"
#include "madsweep/train.h"

typedef struct { int steps, stop_after; } counter_t;

static bool stop_after_n_steps(void *ctx)
{
    counter_t *c = ctx;
    return ++c->steps == c->stop_after;
}

static void small_config(run_config_t *cfg)
{
    task_setting_t s;
    task_setting_baseline(&s, task_find("context_recall"));
    task_setting_set(&s, "seq_len", "16");
    task_setting_set(&s, "num_train", "640"); /* 5 batches per epoch */
    task_setting_set(&s, "num_test", "128");
    run_config_default(cfg, variant_find("delta_net_4layer"), &s);
    cfg->epochs = 3;
}

static int run(const char *path, int stop_after, final_metrics_t *final, bool *stopped)
{
    char ckpt[256];
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", path);
    run_config_t cfg;
    small_config(&cfg);
    dataset_t train, test;
    task_generate(&cfg.setting, &train, &test);
    char json[4096];
    run_config_to_json(&cfg, json, sizeof json);
    runlog_t *log = NULL;
    counter_t counter = {0, stop_after};
    train_hooks_t hooks = {.ctx = &counter, .stop = stop_after_n_steps, .checkpoint = ckpt};
    int rc;
    if (access(path, F_OK) == 0) { /* resume */
        trainer_t tr;
        int64_t steps, epochs;
        rc = runlog_reopen(&log, path);
        rc = rc ? rc : trainer_create(&tr, &cfg, &train, &test);
        rc = rc ? rc : checkpoint_load(ckpt, &tr, &steps, &epochs);
        rc = rc ? rc : runlog_truncate(log, steps, epochs);
        rc = rc ? rc : train_run(&cfg, &train, &test, log, &hooks, &tr, final, stopped);
        trainer_free(&tr);
    } else {
        rc = runlog_open(&log, path, json);
        rc = rc ? rc : train_run(&cfg, &train, &test, log, &hooks, NULL, final, stopped);
    }
    runlog_close(log);
    dataset_free(&train);
    dataset_free(&test);
    return rc;
}

static void test_stopped_and_resumed_run_matches_uninterrupted(void)
{
    const char *a = "test_checkpoint_a.h5", *b = "test_checkpoint_b.h5";
    unlink(a);
    unlink(b);
    final_metrics_t fa, fb;
    bool stopped;
    CU_ASSERT_EQUAL_FATAL(run(a, -1, &fa, &stopped), 0);
    CU_ASSERT_FALSE(stopped);
    /* stop in epoch 0 after step 2, then in epoch 1 after 3 more steps, then finish */
    CU_ASSERT_EQUAL_FATAL(run(b, 2, &fb, &stopped), 0);
    CU_ASSERT_TRUE(stopped);
    CU_ASSERT_EQUAL_FATAL(run(b, 6, &fb, &stopped), 0);
    CU_ASSERT_TRUE(stopped);
    CU_ASSERT_EQUAL_FATAL(run(b, -1, &fb, &stopped), 0);
    CU_ASSERT_FALSE(stopped);
    CU_ASSERT_EQUAL(fa.best_epoch, fb.best_epoch);
    CU_ASSERT_EQUAL(fa.epochs_run, fb.epochs_run);
    CU_ASSERT_EQUAL(memcmp(&fa.best_test_loss, &fb.best_test_loss, sizeof(double)), 0);
    CU_ASSERT_EQUAL(memcmp(&fa.mad_accuracy, &fb.mad_accuracy, sizeof(double)), 0);
    CU_ASSERT_EQUAL(memcmp(&fa.max_token_accuracy, &fb.max_token_accuracy, sizeof(double)), 0);
    CU_ASSERT_STRING_EQUAL(fa.stop_reason, fb.stop_reason);
    printf(" best epoch %d, test loss %.9f vs %.9f ", fa.best_epoch, fa.best_test_loss, fb.best_test_loss);

    /* the logs: same step losses, same epoch rows (but the seconds) */
    hid_t fa5 = h5_open(a, 0), fb5 = h5_open(b, 0);
    hid_t sa = H5Dopen2(fa5, "steps", H5P_DEFAULT), sb = H5Dopen2(fb5, "steps", H5P_DEFAULT);
    step_row_t ra[64], rb[64];
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(step_row_t));
    H5Tinsert(t, "step", HOFFSET(step_row_t, step), H5T_NATIVE_INT64);
    H5Tinsert(t, "loss", HOFFSET(step_row_t, loss), H5T_NATIVE_FLOAT);
    hid_t space_a = H5Dget_space(sa), space_b = H5Dget_space(sb);
    CU_ASSERT_EQUAL(H5Sget_simple_extent_npoints(space_a), 15);
    CU_ASSERT_EQUAL(H5Sget_simple_extent_npoints(space_b), 15);
    H5Dread(sa, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ra);
    H5Dread(sb, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rb);
    for (int i = 0; i < 15; i++) {
        CU_ASSERT_EQUAL(ra[i].step, i + 1);
        CU_ASSERT_EQUAL(rb[i].step, i + 1);
        CU_ASSERT_EQUAL(ra[i].loss, rb[i].loss);
    }
    H5Sclose(space_a), H5Sclose(space_b), H5Tclose(t), H5Dclose(sa), H5Dclose(sb);
    h5_close(fa5);
    h5_close(fb5);
    unlink(a);
    unlink(b);
    unlink("test_checkpoint_a.h5.ckpt");
    unlink("test_checkpoint_b.h5.ckpt");
}

CUNIT_MAIN("checkpoint", CUNIT_TEST(test_stopped_and_resumed_run_matches_uninterrupted))
