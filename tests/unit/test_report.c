/* madsweep report (report.h): a sweep folder written here with known accuracies (run files via
 * runlog_open/runlog_finish, sweep.json, a ledger) gives summary tables worked out by hand below.
 *
 * The sweep: three variants x {context_recall at seq_len 32 and 64, memorize baseline} x lr
 * {1e-4, 1e-3} x seeds {1, 2}. Accuracies (mad / token) of each run, "-" where no run file exists:
 *
 *   delta_net_4layer (A)          lr 1e-4        lr 1e-3
 *     context_recall 32, seed 1   0.50  / 0.60   0.75  / 0.70
 *     context_recall 32, seed 2   0.625 / 0.55   0.25  / 0.80   best by mad: 1e-4; by token: 1e-3
 *     context_recall 64, seed 1   0.375 / 0.40   0.125 / 0.10
 *     context_recall 64, seed 2   0.50  / 0.50   0.875 / 0.90
 *     memorize, seed 1            0.30  / 0.35   0.40  / 0.45
 *     memorize, seed 2            -              -              ledger: failed (error), timeout
 *   ..._decay_state_update_in_for_loop (B)
 *     context_recall 32, seed 1   0.20  / 0.25   NaN run (its /final says 0.99 / 0.99)
 *     context_recall 32, seed 2   0.30  / 0.30   0.40  / 0.35
 *     context_recall 64, seed 1   0.10  / 0.15   0.15  / 0.10
 *     context_recall 64, seed 2   0.35  / 0.30   0.25  / 0.40
 *     memorize, seed 1            NaN run        NaN run
 *     memorize, seed 2            -              -
 *   gated_delta_net_4layer (C)    no run files at all
 *
 * The folder is written by support/report_fixture.c. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "madsweep/error.h"
#include "madsweep/report.h"
#include "report_fixture.h"

static void expect_file(const char *dir, const char *name, const char *want)
{
    char *got = report_fixture_slurp(dir, name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, want);
    if (strcmp(got, want) != 0)
        printf("\n%s:\n--- got\n%s--- want\n%s", name, got, want);
    free(got);
}

static void expect_contains(const char *dir, const char *name, const char *part)
{
    char *got = report_fixture_slurp(dir, name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, part));
    if (!strstr(got, part))
        printf("\n%s does not contain: %s\n", name, part);
    free(got);
}

static report_result_t run_report(const char *dir, report_metric_t metric, const char *reference)
{
    report_options_t o = {.dir = dir, .reference = reference, .metric = metric, .plots = false};
    report_result_t res;
    int rc = report_write(&o, &res);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc)
        printf("\nreport_write: %s\n", ms_error_message());
    return res;
}

#define HEADER "variant,Compress,Context Recall,Fuzzy Recall,Memorize,Noisy Recall,Selective Copy,incomplete\n"

static void expect_detail(const char *dir, const char *head, const char *key, const char *tail)
{
    char line[512];
    snprintf(line, sizeof line, "%s%s%s", head, key, tail);
    expect_contains(dir, "summary_detail.csv", line);
}

static void test_report_mad_table_matches_hand_computation(void)
{
    char *dir = report_fixture_create(true, false);
    report_result_t res = run_report(dir, REPORT_METRIC_MAD, NULL);
    /* A, Context Recall: seed 1 (0.75 [32, lr 1e-3] + 0.375 [64, lr 1e-4]) / 2 = 0.5625,
     *                    seed 2 (0.625 [32, 1e-4] + 0.875 [64, 1e-3]) / 2 = 0.75; mean 0.65625.
     * A, Memorize: seed 1 max(0.30, 0.40) = 0.40; seed 2 has no run: 0.40 over one seed, 1/2.
     * B, Context Recall: seed 1 (0.20 [the 0.99 NaN run does not compete] + 0.15) / 2 = 0.175,
     *                    seed 2 (0.40 + 0.35) / 2 = 0.375; mean 0.275.
     * B, Memorize: seed 1's runs both NaN, seed 2 none: empty, 0/2. C: nothing, all empty. */
    expect_file(dir, "summary.csv",
                HEADER "delta_net_4layer,,0.656250,,0.400000,,,Memorize 1/2\n"
                       "delta_net_4layer_decay_state_update_in_for_loop,,0.275000,,,,,Memorize 0/2\n"
                       "gated_delta_net_4layer,,,,,,,Context Recall 0/4;Memorize 0/2\n");
    CU_ASSERT_EQUAL(res.n_variants, 3);
    CU_ASSERT_EQUAL(res.n_runs, 8 + 8 + 2 + 2);
    CU_ASSERT_EQUAL(res.n_incomplete_cells, 1 + 1 + 2);
    CU_ASSERT_EQUAL(res.n_unreadable, 0); /* the .part and .ckpt beside the runs are not read */
    CU_ASSERT(res.completeness_known);
    /* sample std of {0.5625, 0.75}: 0.1875 / sqrt(2) = 0.1326; 0.65625 prints as 0.6562 (ties to
     * even); A is the best of Context Recall */
    expect_contains(dir, "summary.md", "| delta_net_4layer |  | **0.6562 ± 0.1326 (2)** |");
    expect_contains(dir, "summary.md", "**0.4000 (1)** *incomplete 1/2* |");
    report_fixture_remove(dir);
}

static void test_report_detail_names_the_best_lr_per_setting_and_seed(void)
{
    char *dir = report_fixture_create(true, false);
    run_report(dir, REPORT_METRIC_MAD, NULL);
    expect_detail(dir, "delta_net_4layer,context_recall,seq_len=32,1,ok,0.001,0,0.750000,0.700000,2,epochs,",
                  report_fixture_key("delta_net_4layer", "context_recall", 32, 1, 1e-3), ",2,0,\n");
    expect_detail(dir, "delta_net_4layer,context_recall,seq_len=32,2,ok,0.0001,0,0.625000,0.550000,2,epochs,",
                  report_fixture_key("delta_net_4layer", "context_recall", 32, 2, 1e-4), ",2,0,\n");
    expect_detail(dir, "delta_net_4layer,context_recall,seq_len=64,1,ok,0.0001,0,0.375000,0.400000,2,epochs,",
                  report_fixture_key("delta_net_4layer", "context_recall", 64, 1, 1e-4), ",2,0,\n");
    expect_detail(dir, "delta_net_4layer,context_recall,seq_len=64,2,ok,0.001,0,0.875000,0.900000,2,epochs,",
                  report_fixture_key("delta_net_4layer", "context_recall", 64, 2, 1e-3), ",2,0,\n");
    report_fixture_remove(dir);
}

static void test_report_token_metric_chooses_by_token_accuracy(void)
{
    char *dir = report_fixture_create(true, false);
    run_report(dir, REPORT_METRIC_TOKEN, NULL);
    /* A, Context Recall: seed 1 (0.70 [32, 1e-3] + 0.40 [64, 1e-4]) / 2 = 0.55,
     *                    seed 2 (0.80 [32, 1e-3: token picks the other lr] + 0.90) / 2 = 0.85; mean 0.70.
     * A, Memorize: 0.45. B, Context Recall: seed 1 (0.25 + 0.15) / 2 = 0.20, seed 2 (0.35 + 0.40) / 2
     * = 0.375; mean 0.2875. */
    expect_file(dir, "summary.csv",
                HEADER "delta_net_4layer,,0.700000,,0.450000,,,Memorize 1/2\n"
                       "delta_net_4layer_decay_state_update_in_for_loop,,0.287500,,,,,Memorize 0/2\n"
                       "gated_delta_net_4layer,,,,,,,Context Recall 0/4;Memorize 0/2\n");
    expect_detail(dir, "delta_net_4layer,context_recall,seq_len=32,2,ok,0.001,0,0.250000,0.800000,2,epochs,",
                  report_fixture_key("delta_net_4layer", "context_recall", 32, 2, 1e-3), ",2,0,\n");
    report_fixture_remove(dir);
}

static void test_report_nan_run_does_not_compete_and_is_listed(void)
{
    char *dir = report_fixture_create(true, false);
    report_result_t res = run_report(dir, REPORT_METRIC_MAD, NULL);
    const char *b = "delta_net_4layer_decay_state_update_in_for_loop";
    CU_ASSERT_EQUAL(res.n_failed_runs, 3);
    /* 0.20 at lr 1e-4 beats nothing but the NaN run's 0.99, which is out */
    expect_detail(dir, "delta_net_4layer_decay_state_update_in_for_loop,context_recall,seq_len=32,1,ok,0.0001,0,"
                       "0.200000,0.250000,2,epochs,",
                  report_fixture_key(b, "context_recall", 32, 1, 1e-4), ",2,1,1 of 2 run(s) failed or unfinished\n");
    expect_contains(dir, "summary_detail.csv",
                    "delta_net_4layer_decay_state_update_in_for_loop,memorize,baseline,1,failed,,,,,,,,2,2,"
                    "2 of 2 run(s) failed or unfinished\n");
    expect_contains(dir, "summary.md", "- failed run delta_net_4layer_decay_state_update_in_for_loop / Memorize / "
                                       "baseline / seed 1 / lr 0.0001 wd 0: nan");
    report_fixture_remove(dir);
}

static void test_report_missing_cell_is_marked_not_zero(void)
{
    char *dir = report_fixture_create(true, false);
    run_report(dir, REPORT_METRIC_MAD, NULL);
    /* the ledger says why A's memorize seed 2 has no run files */
    expect_contains(dir, "summary_detail.csv",
                    "delta_net_4layer,memorize,baseline,2,missing,,,,,,,,0,0,\"2 of 2 grid points have no run file: "
                    "1 failed (error: out of memory), 1 timeout\"\n");
    expect_contains(dir, "summary.md", "- delta_net_4layer / Memorize / baseline / seed 2: **missing**");
    /* a variant without runs: empty cells, not zeros, each marked */
    expect_contains(dir, "summary.md", "| gated_delta_net_4layer |  |  *incomplete 0/4* |  |  *incomplete 0/2* |");
    report_fixture_remove(dir);
}

static void test_report_reference_difference_matches_rows_by_name(void)
{
    char *dir = report_fixture_create(true, false), ref[128];
    snprintf(ref, sizeof ref, "%s/reference.csv", dir);
    FILE *f = fopen(ref, "w");
    /* columns in another order, a variant that is not here, and no row for B */
    CU_ASSERT_FATAL(f && fputs("variant,Memorize,Context Recall\nnot_here,0.1,0.1\n"
                               "delta_net_4layer,0.25,0.5\n", f) >= 0 && fclose(f) == 0);
    run_report(dir, REPORT_METRIC_MAD, ref);
    /* 0.65625 - 0.5 = 0.15625; 0.40 - 0.25 = 0.15 */
    expect_file(dir, "summary_vs_reference.csv",
                HEADER "delta_net_4layer,,0.156250,,0.150000,,,Memorize 1/2\n"
                       "delta_net_4layer_decay_state_update_in_for_loop,,,,,,,Memorize 0/2\n"
                       "gated_delta_net_4layer,,,,,,,Context Recall 0/4;Memorize 0/2\n");
    expect_contains(dir, "summary.md", "| delta_net_4layer | | +0.1562 (ref 0.5000) | | +0.1500 (ref 0.2500) |");
    expect_contains(dir, "summary.md", "1 reference row(s) name variants that have no row here.");
    run_report(dir, REPORT_METRIC_MAD, NULL); /* a later report without one leaves no stale difference */
    CU_ASSERT_PTR_NULL(report_fixture_slurp(dir, "summary_vs_reference.csv"));
    report_fixture_remove(dir);
}

static void test_report_without_sweep_json_says_completeness_unknown(void)
{
    char *dir = report_fixture_create(false, true), bad[160];
    snprintf(bad, sizeof bad, "%s/runs/delta_net_4layer/memorize/0000000000000000.h5", dir);
    FILE *f = fopen(bad, "w");
    CU_ASSERT_FATAL(f && fputs("not hdf5", f) >= 0 && fclose(f) == 0);
    report_result_t res = run_report(dir, REPORT_METRIC_MAD, NULL);
    CU_ASSERT_FALSE(res.completeness_known);
    CU_ASSERT_EQUAL(res.n_unreadable, 1);
    /* A, Context Recall lost seq_len 64 seed 2: seed 1 0.5625, seed 2 0.625 (seq_len 32 only);
     * mean 0.59375, and the hole in {32, 64} x {1, 2} is marked 3/4. Memorize was only seen with
     * seed 1, so nothing is known to be missing there; B's failed seed 1 is 0/1. C has no rows. */
    expect_file(dir, "summary.csv",
                HEADER "delta_net_4layer,,0.593750,,0.400000,,,unknown;Context Recall 3/4\n"
                       "delta_net_4layer_decay_state_update_in_for_loop,,0.275000,,,,,unknown;Memorize 0/1\n");
    expect_contains(dir, "summary.md", "Completeness: **unknown**");
    expect_contains(dir, "summary.md", "- unreadable, left out: runs/delta_net_4layer/memorize/0000000000000000.h5");
    report_fixture_remove(dir);
}

static void test_report_h5_tables_have_named_columns(void)
{
    char *dir = report_fixture_create(true, false), path[128];
    run_report(dir, REPORT_METRIC_MAD, NULL);
    snprintf(path, sizeof path, "%s/summary.h5", dir);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CU_ASSERT_FATAL(f >= 0);
    const char *tables[] = {"summary", "cells", "detail"}, *columns[] = {"Context Recall", "have", "lr"};
    const hsize_t rows[] = {3, 3 * 6, 3 * 6}; /* variants; variants x tasks; (setting, seed) groups */
    for (int i = 0; i < 3; i++) {
        hid_t d = H5Dopen2(f, tables[i], H5P_DEFAULT), t = H5Dget_type(d), s = H5Dget_space(d);
        hsize_t n = 0;
        H5Sget_simple_extent_dims(s, &n, NULL);
        CU_ASSERT_EQUAL(n, rows[i]);
        CU_ASSERT(H5Tget_member_index(t, columns[i]) >= 0);
        H5Sclose(s), H5Tclose(t), H5Dclose(d);
    }
    H5Fclose(f);
    report_fixture_remove(dir);
}

static void test_report_refuses_a_folder_without_a_sweep_and_a_bad_reference(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/madsweep_report_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    report_options_t o = {.dir = dir};
    report_result_t res;
    CU_ASSERT_EQUAL(report_write(&o, &res), MS_ERR_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "holds no sweep"));
    rmdir(dir);
    char *sweep = report_fixture_create(true, false), ref[128];
    snprintf(ref, sizeof ref, "%s/sweep.json", sweep); /* not a CSV with a variant header */
    o = (report_options_t){.dir = sweep, .reference = ref};
    CU_ASSERT_EQUAL(report_write(&o, &res), MS_ERR_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "header starting with 'variant,'"));
    report_fixture_remove(sweep);
}

CUNIT_MAIN("report", CUNIT_TEST(test_report_mad_table_matches_hand_computation),
           CUNIT_TEST(test_report_detail_names_the_best_lr_per_setting_and_seed),
           CUNIT_TEST(test_report_token_metric_chooses_by_token_accuracy),
           CUNIT_TEST(test_report_nan_run_does_not_compete_and_is_listed),
           CUNIT_TEST(test_report_missing_cell_is_marked_not_zero),
           CUNIT_TEST(test_report_reference_difference_matches_rows_by_name),
           CUNIT_TEST(test_report_without_sweep_json_says_completeness_unknown),
           CUNIT_TEST(test_report_h5_tables_have_named_columns),
           CUNIT_TEST(test_report_refuses_a_folder_without_a_sweep_and_a_bad_reference))
