/* The run log's layout (runlog.h), read back through the plain HDF5 C API: the config as JSON
 * and as typed attributes, provenance, the step and epoch tables with the structs' field names
 * as columns, the final metrics, and clean failures. */
#define _POSIX_C_SOURCE 200809L

#include "madsweep/error.h"
#include "madsweep/runlog.h"

#include "cunit_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const CONFIG =
    "{\"variant\":\"hyena\",\"lr\":0.001,\"seed\":7,\"big\":1e300,\"whole_float\":2.0,"
    "\"use_bias\":true,\"tie\":false,\"layers\":[2,4],\"none\":null,"
    "\"setting\":{\"vocab_size\":16,\"task\":{\"name\":\"recall\",\"noise\":0.2}}}";

typedef struct scratch {
    char dir[64];
    char path[128];
} scratch_t;

static int scratch_open(scratch_t *s, const char *file)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/madsweep_runlog_XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->path, sizeof s->path, "%s/%s", s->dir, file);
    return 0;
}

static void scratch_close(scratch_t *s)
{
    unlink(s->path);
    rmdir(s->dir);
}

/* A closed run log with CONFIG and no rows, reopened read-only. */
static hid_t empty_log_reopened(scratch_t *s)
{
    runlog_t *log = NULL;
    CU_ASSERT_FATAL(scratch_open(s, "run.h5") == 0);
    CU_ASSERT_FATAL(runlog_open(&log, s->path, CONFIG) == 0);
    CU_ASSERT_EQUAL(runlog_close(log), 0);
    hid_t f = H5Fopen(s->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CU_ASSERT_FATAL(f >= 0);
    return f;
}

/* The string of a scalar variable-length UTF-8 attribute, or NULL if it is not one. */
static char *attr_vlen_utf8(hid_t obj, const char *name)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0)
        return NULL;
    hid_t t = H5Aget_type(a);
    char *s = NULL, *copy = NULL;
    if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0 &&
        H5Tget_cset(t) == H5T_CSET_UTF8 && H5Aread(a, t, &s) >= 0) {
        copy = strdup(s);
        H5free_memory(s);
    }
    H5Tclose(t);
    H5Aclose(a);
    return copy;
}

/* The attribute's class and size (8 for int64/double), and its value read as a double. */
static int attr_number(hid_t obj, const char *name, H5T_class_t cls, double *value)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0)
        return 0;
    hid_t t = H5Aget_type(a);
    int ok =
        H5Tget_class(t) == cls && H5Tget_size(t) == 8 && H5Aread(a, H5T_NATIVE_DOUBLE, value) >= 0;
    H5Tclose(t);
    H5Aclose(a);
    return ok;
}

static void test_runlog_writes_config_json_verbatim(void)
{
    scratch_t s;
    hid_t f = empty_log_reopened(&s);
    hid_t d = H5Dopen2(f, "config", H5P_DEFAULT);
    hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
    CU_ASSERT(H5Tis_variable_str(t) > 0 && H5Tget_cset(t) == H5T_CSET_UTF8);
    CU_ASSERT_EQUAL(H5Sget_simple_extent_type(sp), H5S_SCALAR);
    char *json = NULL;
    CU_ASSERT(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &json) >= 0);
    CU_ASSERT_STRING_EQUAL(json ? json : "", CONFIG);
    H5free_memory(json);
    H5Sclose(sp);
    H5Tclose(t);
    H5Dclose(d);
    H5Fclose(f);
    scratch_close(&s);
}

static void test_runlog_flattens_config_into_typed_attributes(void)
{
    scratch_t s;
    hid_t f = empty_log_reopened(&s);
    hid_t d = H5Dopen2(f, "config", H5P_DEFAULT);
    double v = 0;
    CU_ASSERT(attr_number(d, "setting.vocab_size", H5T_INTEGER, &v) && v == 16);
    CU_ASSERT(attr_number(d, "seed", H5T_INTEGER, &v) && v == 7);
    CU_ASSERT(attr_number(d, "whole_float", H5T_INTEGER, &v) && v == 2);
    CU_ASSERT(attr_number(d, "use_bias", H5T_INTEGER, &v) && v == 1);
    CU_ASSERT(attr_number(d, "tie", H5T_INTEGER, &v) && v == 0);
    CU_ASSERT(attr_number(d, "lr", H5T_FLOAT, &v) && v == 0.001);
    CU_ASSERT(attr_number(d, "big", H5T_FLOAT, &v) && v == 1e300);
    CU_ASSERT(attr_number(d, "setting.task.noise", H5T_FLOAT, &v) && v == 0.2);
    const char *strings[][2] = {{"variant", "hyena"},
                                {"setting.task.name", "recall"},
                                {"layers", "[2,4]"},
                                {"none", "null"}};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        char *got = attr_vlen_utf8(d, strings[i][0]);
        CU_ASSERT_STRING_EQUAL(got ? got : "(not a vlen UTF-8 string)", strings[i][1]);
        free(got);
    }
    CU_ASSERT_EQUAL(H5Aexists(d, "setting"), 0); /* objects flatten, they are not stored */
    H5Dclose(d);
    H5Fclose(f);
    scratch_close(&s);
}

static void test_runlog_records_provenance_at_open(void)
{
    scratch_t s;
    hid_t f = empty_log_reopened(&s);
    hid_t g = H5Gopen2(f, "provenance", H5P_DEFAULT);
    CU_ASSERT_FATAL(g >= 0);
    char *version = attr_vlen_utf8(g, "program_version"), *commit = attr_vlen_utf8(g, "git_commit");
    char *host = attr_vlen_utf8(g, "host"), *start = attr_vlen_utf8(g, "start_time");
    CU_ASSERT_STRING_EQUAL(version ? version : "", MADSWEEP_VERSION);
    CU_ASSERT_STRING_EQUAL(commit ? commit : "", MADSWEEP_GIT_COMMIT);
    CU_ASSERT(host && *host);
    int y, mo, d, h, mi, sec;
    char z = 0;
    CU_ASSERT(start && strlen(start) == 20 &&
              sscanf(start, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) == 7 &&
              z == 'Z' && y >= 2024);
    CU_ASSERT_EQUAL(H5Aexists(g, "end_time"), 0); /* only runlog_finish writes it */
    free(version), free(commit), free(host), free(start);
    H5Gclose(g);
    H5Fclose(f);
    scratch_close(&s);
}

static void test_runlog_provenance_adds_and_replaces_strings(void)
{
    scratch_t s;
    runlog_t *log = NULL;
    CU_ASSERT_FATAL(scratch_open(&s, "run.h5") == 0);
    CU_ASSERT_FATAL(runlog_open(&log, s.path, CONFIG) == 0);
    CU_ASSERT_EQUAL(runlog_provenance(log, "rank", "1"), 0);
    CU_ASSERT_EQUAL(runlog_provenance(log, "rank", "3"), 0);
    CU_ASSERT_EQUAL(runlog_provenance(log, "host", "node-9"), 0);
    CU_ASSERT_EQUAL(runlog_provenance(log, "", "x"), MS_ERR_INPUT);
    hid_t g = H5Gopen2(runlog_file(log), "provenance", H5P_DEFAULT);
    char *rank = attr_vlen_utf8(g, "rank"), *host = attr_vlen_utf8(g, "host");
    CU_ASSERT_STRING_EQUAL(rank ? rank : "", "3");
    CU_ASSERT_STRING_EQUAL(host ? host : "", "node-9");
    free(rank), free(host);
    H5Gclose(g);
    CU_ASSERT_EQUAL(runlog_close(log), 0);
    scratch_close(&s);
}

/* The compound member names of dataset name, joined with commas. */
static void table_columns(hid_t f, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT), t = H5Dget_type(d);
    for (int i = 0; H5Tget_class(t) == H5T_COMPOUND && i < H5Tget_nmembers(t); i++) {
        char *member = H5Tget_member_name(t, (unsigned)i);
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "", member);
        H5free_memory(member);
    }
    H5Tclose(t);
    H5Dclose(d);
}

static hsize_t table_rows(hid_t f, const char *name)
{
    hsize_t n = 0, max = 0;
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT), sp = H5Dget_space(d);
    H5Sget_simple_extent_dims(sp, &n, &max);
    CU_ASSERT_EQUAL(max, H5S_UNLIMITED);
    H5Sclose(sp);
    H5Dclose(d);
    return n;
}

static void test_runlog_tables_exist_empty_with_struct_field_columns(void)
{
    scratch_t s;
    hid_t f = empty_log_reopened(&s);
    char columns[256];
    table_columns(f, "steps", columns, sizeof columns);
    CU_ASSERT_STRING_EQUAL(columns, "step,epoch,loss,lr");
    table_columns(f, "epochs", columns, sizeof columns);
    CU_ASSERT_STRING_EQUAL(columns, "epoch,train_loss,test_loss,test_perplexity,token_accuracy,"
                                    "mad_accuracy,seconds");
    CU_ASSERT_EQUAL(table_rows(f, "steps"), 0);
    CU_ASSERT_EQUAL(table_rows(f, "epochs"), 0);
    H5Fclose(f);
    scratch_close(&s);
}

/* Reads a whole table through a compound type built here by field name, so the values match
 * only if the file's columns carry the struct fields' names. */
static void steps_read(hid_t f, step_row_t *rows)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(step_row_t));
    H5Tinsert(t, "lr", HOFFSET(step_row_t, lr), H5T_NATIVE_FLOAT);
    H5Tinsert(t, "loss", HOFFSET(step_row_t, loss), H5T_NATIVE_FLOAT);
    H5Tinsert(t, "epoch", HOFFSET(step_row_t, epoch), H5T_NATIVE_INT32);
    H5Tinsert(t, "step", HOFFSET(step_row_t, step), H5T_NATIVE_INT64);
    hid_t d = H5Dopen2(f, "steps", H5P_DEFAULT);
    CU_ASSERT(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    H5Dclose(d);
    H5Tclose(t);
}

static void epochs_read(hid_t f, epoch_row_t *rows)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(epoch_row_t));
    H5Tinsert(t, "epoch", HOFFSET(epoch_row_t, epoch), H5T_NATIVE_INT32);
    H5Tinsert(t, "train_loss", HOFFSET(epoch_row_t, train_loss), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "test_loss", HOFFSET(epoch_row_t, test_loss), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "test_perplexity", HOFFSET(epoch_row_t, test_perplexity), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "token_accuracy", HOFFSET(epoch_row_t, token_accuracy), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "mad_accuracy", HOFFSET(epoch_row_t, mad_accuracy), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "seconds", HOFFSET(epoch_row_t, seconds), H5T_NATIVE_DOUBLE);
    hid_t d = H5Dopen2(f, "epochs", H5P_DEFAULT);
    CU_ASSERT(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    H5Dclose(d);
    H5Tclose(t);
}

static step_row_t step_row(int64_t step)
{
    return (step_row_t){step, (int32_t)((step - 1) / 3), 4.0f / (float)step, 1e-3f};
}

static epoch_row_t epoch_row(int32_t e)
{
    return (epoch_row_t){e, 2.0 - e, 2.5 - e, 10.0 / (e + 1), 0.5 + 0.1 * e, 0.25 * e, 1.5};
}

static void test_runlog_flush_appends_rows_across_two_flushes(void)
{
    scratch_t s;
    runlog_t *log = NULL;
    CU_ASSERT_FATAL(scratch_open(&s, "run.h5") == 0);
    CU_ASSERT_FATAL(runlog_open(&log, s.path, CONFIG) == 0);
    hid_t f = runlog_file(log);
    /* 2000 steps cross the step chunk size (1024 rows). */
    for (int64_t k = 1; k <= 2000; k++) {
        step_row_t r = step_row(k);
        CU_ASSERT_EQUAL_FATAL(runlog_append_step(log, &r), 0);
        if (k == 1200) {
            epoch_row_t e = epoch_row(0);
            CU_ASSERT_EQUAL(runlog_append_epoch(log, &e), 0);
            CU_ASSERT_EQUAL(runlog_flush(log), 0);
            CU_ASSERT_EQUAL(table_rows(f, "steps"), 1200);
            CU_ASSERT_EQUAL(table_rows(f, "epochs"), 1);
        }
    }
    CU_ASSERT_EQUAL(table_rows(f, "steps"), 1200); /* buffered until the next flush */
    epoch_row_t e = epoch_row(1);
    CU_ASSERT_EQUAL(runlog_append_epoch(log, &e), 0);
    CU_ASSERT_EQUAL(runlog_flush(log), 0);
    CU_ASSERT_EQUAL(table_rows(f, "steps"), 2000);
    CU_ASSERT_EQUAL(table_rows(f, "epochs"), 2);
    step_row_t *steps = calloc(2000, sizeof *steps);
    epoch_row_t epochs[2];
    CU_ASSERT_FATAL(steps != NULL);
    steps_read(f, steps);
    epochs_read(f, epochs);
    int same = 1;
    for (int64_t k = 1; k <= 2000; k++) {
        step_row_t want = step_row(k);
        same &= steps[k - 1].step == want.step && steps[k - 1].epoch == want.epoch &&
                steps[k - 1].loss == want.loss && steps[k - 1].lr == want.lr;
    }
    CU_ASSERT(same);
    for (int32_t k = 0; k < 2; k++) {
        epoch_row_t want = epoch_row(k);
        CU_ASSERT(memcmp(&epochs[k].train_loss, &want.train_loss, 6 * sizeof(double)) == 0 &&
                  epochs[k].epoch == k);
    }
    free(steps);
    CU_ASSERT_EQUAL(runlog_close(log), 0);
    scratch_close(&s);
}

static void test_runlog_close_writes_rows_not_yet_flushed(void)
{
    scratch_t s;
    runlog_t *log = NULL;
    CU_ASSERT_FATAL(scratch_open(&s, "run.h5") == 0);
    CU_ASSERT_FATAL(runlog_open(&log, s.path, CONFIG) == 0);
    step_row_t r = step_row(1);
    epoch_row_t e = epoch_row(0);
    CU_ASSERT_EQUAL(runlog_append_step(log, &r), 0);
    CU_ASSERT_EQUAL(runlog_append_epoch(log, &e), 0);
    CU_ASSERT_EQUAL(runlog_close(log), 0);
    hid_t f = H5Fopen(s.path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CU_ASSERT_EQUAL(table_rows(f, "steps"), 1);
    CU_ASSERT_EQUAL(table_rows(f, "epochs"), 1);
    H5Fclose(f);
    scratch_close(&s);
}

static void test_runlog_finish_writes_final_attributes_and_end_time(void)
{
    scratch_t s;
    runlog_t *log = NULL;
    CU_ASSERT_FATAL(scratch_open(&s, "run.h5") == 0);
    CU_ASSERT_FATAL(runlog_open(&log, s.path, CONFIG) == 0);
    final_metrics_t fin = {.best_epoch = 3,
                           .best_test_loss = 0.5,
                           .best_test_perplexity = 1.6487,
                           .token_accuracy = 0.9,
                           .mad_accuracy = 0.75,
                           .max_token_accuracy = 0.95,
                           .max_mad_accuracy = 0.8,
                           .epochs_run = 5,
                           .stop_reason = "early_stop",
                           .wall_seconds = 12.5};
    CU_ASSERT_EQUAL(runlog_finish(log, &fin), 0);
    CU_ASSERT_EQUAL(runlog_close(log), 0);
    hid_t f = H5Fopen(s.path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t g = H5Gopen2(f, "final", H5P_DEFAULT);
    CU_ASSERT_FATAL(g >= 0);
    double v = 0;
    CU_ASSERT(attr_number(g, "best_epoch", H5T_INTEGER, &v) && v == 3);
    CU_ASSERT(attr_number(g, "epochs_run", H5T_INTEGER, &v) && v == 5);
    CU_ASSERT(attr_number(g, "best_test_loss", H5T_FLOAT, &v) && v == 0.5);
    CU_ASSERT(attr_number(g, "best_test_perplexity", H5T_FLOAT, &v) && v == 1.6487);
    CU_ASSERT(attr_number(g, "token_accuracy", H5T_FLOAT, &v) && v == 0.9);
    CU_ASSERT(attr_number(g, "mad_accuracy", H5T_FLOAT, &v) && v == 0.75);
    CU_ASSERT(attr_number(g, "max_token_accuracy", H5T_FLOAT, &v) && v == 0.95);
    CU_ASSERT(attr_number(g, "max_mad_accuracy", H5T_FLOAT, &v) && v == 0.8);
    CU_ASSERT(attr_number(g, "wall_seconds", H5T_FLOAT, &v) && v == 12.5);
    char *reason = attr_vlen_utf8(g, "stop_reason");
    CU_ASSERT_STRING_EQUAL(reason ? reason : "", "early_stop");
    free(reason);
    H5Gclose(g);
    g = H5Gopen2(f, "provenance", H5P_DEFAULT);
    char *end = attr_vlen_utf8(g, "end_time");
    CU_ASSERT(end && strlen(end) == 20 && end[19] == 'Z');
    free(end);
    H5Gclose(g);
    H5Fclose(f);
    scratch_close(&s);
}

static void test_runlog_unwritable_path_fails_naming_it_and_creates_nothing(void)
{
    scratch_t s;
    runlog_t *log = (runlog_t *)&s; /* must come back NULL */
    CU_ASSERT_FATAL(scratch_open(&s, "missing/run.h5") == 0);
    ms_error_clear();
    CU_ASSERT_EQUAL(runlog_open(&log, s.path, CONFIG), MS_ERR_RUN);
    CU_ASSERT_PTR_NULL(log);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "cannot create run log"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), s.path));
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "No such file or directory"));
    struct stat st;
    CU_ASSERT_NOT_EQUAL(stat(s.path, &st), 0);
    CU_ASSERT_EQUAL(rmdir(s.dir), 0); /* the scratch folder is still empty */
}

static void test_runlog_invalid_config_json_is_input_error_and_creates_nothing(void)
{
    const char *bad[] = {"{\"lr\": 0.001,", "[1, 2]", "{\"a\": 1} trailing", "{\"\": 1}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        scratch_t s;
        runlog_t *log = NULL;
        CU_ASSERT_FATAL(scratch_open(&s, "run.h5") == 0);
        ms_error_clear();
        CU_ASSERT_EQUAL(runlog_open(&log, s.path, bad[i]), MS_ERR_INPUT);
        CU_ASSERT_PTR_NULL(log);
        CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), s.path));
        CU_ASSERT_EQUAL(access(s.path, F_OK), -1);
        scratch_close(&s);
    }
}

static void test_runlog_close_is_safe_on_null(void) { CU_ASSERT_EQUAL(runlog_close(NULL), 0); }

CUNIT_MAIN("runlog", CUNIT_TEST(test_runlog_writes_config_json_verbatim),
           CUNIT_TEST(test_runlog_flattens_config_into_typed_attributes),
           CUNIT_TEST(test_runlog_records_provenance_at_open),
           CUNIT_TEST(test_runlog_provenance_adds_and_replaces_strings),
           CUNIT_TEST(test_runlog_tables_exist_empty_with_struct_field_columns),
           CUNIT_TEST(test_runlog_flush_appends_rows_across_two_flushes),
           CUNIT_TEST(test_runlog_close_writes_rows_not_yet_flushed),
           CUNIT_TEST(test_runlog_finish_writes_final_attributes_and_end_time),
           CUNIT_TEST(test_runlog_unwritable_path_fails_naming_it_and_creates_nothing),
           CUNIT_TEST(test_runlog_invalid_config_json_is_input_error_and_creates_nothing),
           CUNIT_TEST(test_runlog_close_is_safe_on_null))
