/* The run log: one HDF5 file per run (layout in runlog.h and docs/formats.md). Rows are kept
 * in memory and appended once per flush, so the per-step cost is a copy into a buffer. */
#define _POSIX_C_SOURCE 200809L

#include "madsweep/runlog.h"

#include "madsweep/error.h"
#include "madsweep/h5util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef MADSWEEP_VERSION
#define MADSWEEP_VERSION "unknown"
#endif
#ifndef MADSWEEP_GIT_COMMIT
#define MADSWEEP_GIT_COMMIT "unknown"
#endif

/* A step row is 20 bytes on disk: 1024 rows make 20 KiB chunks. Epochs are few per run. */
enum { STEP_CHUNK_ROWS = 1024, EPOCH_CHUNK_ROWS = 64 };

/* Rows not yet written: a buffer that doubles as it fills. */
typedef struct row_buffer {
    void *rows;
    size_t count, capacity, row_size;
} row_buffer_t;

struct runlog {
    char *path;
    hid_t file, provenance, steps, epochs;
    hid_t step_type, epoch_type; /* in-memory compound types of the rows */
    row_buffer_t step_rows, epoch_rows;
};

/* Member names come from the field names themselves, so the columns cannot drift from the
 * structs in runlog.h. */
#define ROW_MEMBER(type, row, field, h5type) H5Tinsert(type, #field, HOFFSET(row, field), h5type)

static hid_t step_type_create(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(step_row_t));
    if (t < 0 || ROW_MEMBER(t, step_row_t, step, H5T_NATIVE_INT64) < 0 ||
        ROW_MEMBER(t, step_row_t, epoch, H5T_NATIVE_INT32) < 0 ||
        ROW_MEMBER(t, step_row_t, loss, H5T_NATIVE_FLOAT) < 0 ||
        ROW_MEMBER(t, step_row_t, lr, H5T_NATIVE_FLOAT) < 0) {
        if (t >= 0)
            H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

static hid_t epoch_type_create(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(epoch_row_t));
    if (t < 0 || ROW_MEMBER(t, epoch_row_t, epoch, H5T_NATIVE_INT32) < 0 ||
        ROW_MEMBER(t, epoch_row_t, train_loss, H5T_NATIVE_DOUBLE) < 0 ||
        ROW_MEMBER(t, epoch_row_t, test_loss, H5T_NATIVE_DOUBLE) < 0 ||
        ROW_MEMBER(t, epoch_row_t, test_perplexity, H5T_NATIVE_DOUBLE) < 0 ||
        ROW_MEMBER(t, epoch_row_t, token_accuracy, H5T_NATIVE_DOUBLE) < 0 ||
        ROW_MEMBER(t, epoch_row_t, mad_accuracy, H5T_NATIVE_DOUBLE) < 0 ||
        ROW_MEMBER(t, epoch_row_t, seconds, H5T_NATIVE_DOUBLE) < 0) {
        if (t >= 0)
            H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

static int row_buffer_push(row_buffer_t *b, const void *row)
{
    if (b->count == b->capacity) {
        size_t capacity = b->capacity ? 2 * b->capacity : 256;
        void *rows = realloc(b->rows, capacity * b->row_size);
        if (!rows)
            return -1;
        b->rows = rows;
        b->capacity = capacity;
    }
    memcpy((char *)b->rows + b->count * b->row_size, row, b->row_size);
    b->count++;
    return 0;
}

static void time_now_iso8601(char out[32])
{
    time_t now = time(NULL);
    struct tm utc;
    if (now == (time_t)-1 || !gmtime_r(&now, &utc) ||
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        snprintf(out, 32, "unknown");
}

/* Writes one JSON value as an attribute named name on the config dataset (runlog.h: objects
 * flatten with dots, integral numbers are int64, other numbers double, booleans int64 0/1,
 * strings strings, arrays and null their JSON text). */
static int config_attr_write(hid_t config, const char *name, const cJSON *item, const char *path)
{
    if (cJSON_IsObject(item)) {
        for (const cJSON *child = item->child; child; child = child->next) {
            const char *key = child->string;
            size_t size = strlen(name) + strlen(key) + 2;
            char *child_name = malloc(size);
            if (!child_name)
                return ms_fail(MS_ERR_RUN, "out of memory writing the config of run log '%s'",
                               path);
            snprintf(child_name, size, "%s%s%s", name, *name ? "." : "", key);
            int rc = config_attr_write(config, child_name, child, path);
            free(child_name);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (cJSON_IsNumber(item)) {
        /* Integral within 2^53, where a double holds every integer exactly. */
        double x = item->valuedouble;
        if (x >= -9007199254740992.0 && x <= 9007199254740992.0 && x == (double)(int64_t)x)
            return h5_attr_int64(config, name, (int64_t)x);
        return h5_attr_double(config, name, x);
    }
    if (cJSON_IsBool(item))
        return h5_attr_int64(config, name, cJSON_IsTrue(item) ? 1 : 0);
    if (cJSON_IsString(item))
        return h5_attr_string(config, name, item->valuestring);
    char *text = cJSON_PrintUnformatted(item);
    if (!text)
        return ms_fail(MS_ERR_RUN, "out of memory writing the config of run log '%s'", path);
    int rc = h5_attr_string(config, name, text);
    cJSON_free(text);
    return rc;
}

/* Every key must have a name, or its flattened attribute name would be empty or end in '.'.
 * cJSON caps nesting (CJSON_NESTING_LIMIT), which bounds this recursion. */
static int config_check_keys(const cJSON *object, const char *key, const char *path)
{
    for (const cJSON *child = object->child; child; child = child->next) {
        if (!child->string || !*child->string)
            return ms_fail(MS_ERR_INPUT,
                           "config of run log '%s' has an empty key in %s%s%s (give every key a "
                           "name)",
                           path, *key ? "the object '" : "the top-level object", key,
                           *key ? "'" : "");
        int rc = cJSON_IsObject(child) ? config_check_keys(child, child->string, path) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* Parses and checks the config before anything touches the disk, so bad input leaves no
 * file behind. */
static int config_parse(cJSON **root, const char *path, const char *json)
{
    const char *end = NULL;
    *root = cJSON_ParseWithOpts(json, &end, 1);
    if (!*root) {
        size_t at = end && end >= json ? (size_t)(end - json) : 0;
        return ms_fail(MS_ERR_INPUT,
                       "config of run log '%s' is not valid JSON (error at byte %zu: '%.20s'); "
                       "fix the config that produced it",
                       path, at, json + at);
    }
    int rc = cJSON_IsObject(*root)
                 ? config_check_keys(*root, "", path)
                 : ms_fail(MS_ERR_INPUT,
                           "config of run log '%s' must be a JSON object ({...}); fix the config "
                           "that produced it",
                           path);
    if (rc) {
        cJSON_Delete(*root);
        *root = NULL;
    }
    return rc;
}

static int config_write(runlog_t *log, const char *json, const cJSON *root)
{
    int rc = h5_write_string(log->file, "config", json);
    if (rc)
        return rc;
    h5_quiet_t q = h5_quiet_begin();
    hid_t config = H5Dopen2(log->file, "config", H5P_DEFAULT);
    h5_quiet_end(q);
    if (config < 0)
        return ms_fail(MS_ERR_RUN,
                       "cannot reopen '/config' in run log '%s' (check the file system)",
                       log->path);
    rc = config_attr_write(config, "", root, log->path);
    H5Dclose(config);
    return rc;
}

static int provenance_write(runlog_t *log)
{
    char host[256] = "unknown", start[32];
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    time_now_iso8601(start);
    log->provenance = h5_group(log->file, "provenance");
    if (log->provenance < 0)
        return MS_ERR_RUN;
    int rc = runlog_provenance(log, "program_version", MADSWEEP_VERSION);
    if (!rc)
        rc = runlog_provenance(log, "git_commit", MADSWEEP_GIT_COMMIT);
    if (!rc)
        rc = runlog_provenance(log, "host", host);
    if (!rc)
        rc = runlog_provenance(log, "start_time", start);
    return rc;
}

/* Closes what is open and frees everything, without recording errors (the caller has the
 * status it returns). */
static void runlog_release(runlog_t *log)
{
    h5_quiet_t q = h5_quiet_begin();
    if (log->steps >= 0)
        H5Dclose(log->steps);
    if (log->epochs >= 0)
        H5Dclose(log->epochs);
    if (log->provenance >= 0)
        H5Gclose(log->provenance);
    if (log->step_type >= 0)
        H5Tclose(log->step_type);
    if (log->epoch_type >= 0)
        H5Tclose(log->epoch_type);
    if (log->file >= 0)
        H5Fclose(log->file);
    h5_quiet_end(q);
    free(log->step_rows.rows);
    free(log->epoch_rows.rows);
    free(log->path);
    free(log);
}

/* A runlog_t for path with its row types and no file yet; NULL (with an error) when out of
 * memory. */
static runlog_t *runlog_alloc(const char *path)
{
    runlog_t *log = calloc(1, sizeof *log);
    if (log)
        log->path = strdup(path);
    if (!log || !log->path) {
        free(log);
        ms_fail(MS_ERR_RUN, "out of memory opening run log '%s'", path);
        return NULL;
    }
    log->file = log->provenance = log->steps = log->epochs = H5I_INVALID_HID;
    log->step_rows.row_size = sizeof(step_row_t);
    log->epoch_rows.row_size = sizeof(epoch_row_t);
    log->step_type = step_type_create();
    log->epoch_type = epoch_type_create();
    return log;
}

int runlog_open(runlog_t **out, const char *path, const char *config_json)
{
    *out = NULL;
    if (!path || !config_json)
        return ms_fail(MS_ERR_INPUT, "runlog_open: the path and the config are required");
    cJSON *root = NULL;
    int rc = config_parse(&root, path, config_json);
    if (rc)
        return rc;
    runlog_t *log = runlog_alloc(path);
    if (!log) {
        cJSON_Delete(root);
        return MS_ERR_RUN;
    }
    log->file = h5_create_as(path, "run log");
    if (log->file < 0) {
        cJSON_Delete(root);
        runlog_release(log);
        return MS_ERR_RUN; /* h5_create_as named the path and why */
    }
    if (log->step_type < 0 || log->epoch_type < 0)
        rc = ms_fail(MS_ERR_RUN,
                     "cannot build the row types of run log '%s' (HDF5 library "
                     "problem: check the installation)",
                     path);
    if (!rc)
        rc = config_write(log, config_json, root);
    if (!rc)
        rc = provenance_write(log);
    if (!rc &&
        (log->steps = h5_table_create(log->file, "steps", log->step_type, STEP_CHUNK_ROWS)) < 0)
        rc = MS_ERR_RUN;
    if (!rc &&
        (log->epochs = h5_table_create(log->file, "epochs", log->epoch_type, EPOCH_CHUNK_ROWS)) < 0)
        rc = MS_ERR_RUN;
    if (!rc)
        rc = h5_flush(log->file);
    cJSON_Delete(root);
    if (rc) {
        /* A half-written log would look like a run that started: remove it. */
        runlog_release(log);
        unlink(path);
        return rc;
    }
    *out = log;
    return 0;
}

int runlog_reopen(runlog_t **out, const char *path)
{
    *out = NULL;
    runlog_t *log = runlog_alloc(path);
    if (!log)
        return MS_ERR_RUN;
    log->file = h5_open(path, 1);
    if (log->file >= 0) {
        h5_quiet_t q = h5_quiet_begin();
        log->provenance = H5Gopen2(log->file, "provenance", H5P_DEFAULT);
        log->steps = H5Dopen2(log->file, "steps", H5P_DEFAULT);
        log->epochs = H5Dopen2(log->file, "epochs", H5P_DEFAULT);
        h5_quiet_end(q);
    }
    if (log->file < 0 || log->provenance < 0 || log->steps < 0 || log->epochs < 0 || log->step_type < 0 ||
        log->epoch_type < 0) {
        runlog_release(log);
        return ms_fail(MS_ERR_RUN, "cannot reopen run log '%s': not a whole madsweep run log (delete it to "
                                   "start the run again)", path);
    }
    *out = log;
    return 0;
}

static int64_t table_rows(hid_t table)
{
    hsize_t rows = 0;
    hid_t space = H5Dget_space(table);
    if (space < 0 || H5Sget_simple_extent_dims(space, &rows, NULL) != 1)
        rows = 0;
    if (space >= 0)
        H5Sclose(space);
    return (int64_t)rows;
}

int runlog_rows(const runlog_t *log, int64_t *steps, int64_t *epochs)
{
    *steps = table_rows(log->steps) + (int64_t)log->step_rows.count;
    *epochs = table_rows(log->epochs) + (int64_t)log->epoch_rows.count;
    return 0;
}

int runlog_truncate(runlog_t *log, int64_t steps, int64_t epochs)
{
    log->step_rows.count = log->epoch_rows.count = 0;
    hsize_t s = (hsize_t)steps, e = (hsize_t)epochs;
    h5_quiet_t q = h5_quiet_begin();
    int bad = steps > table_rows(log->steps) || epochs > table_rows(log->epochs) ||
              H5Dset_extent(log->steps, &s) < 0 || H5Dset_extent(log->epochs, &e) < 0;
    h5_quiet_end(q);
    if (bad)
        return ms_fail(MS_ERR_RUN, "run log '%s': cannot cut its tables back to %lld steps and %lld epochs "
                                   "(delete it to start the run again)", log->path, (long long)steps,
                       (long long)epochs);
    return 0;
}

int runlog_provenance(runlog_t *log, const char *key, const char *value)
{
    if (!key || !*key)
        return ms_fail(MS_ERR_INPUT, "run log '%s': a provenance key must not be empty", log->path);
    return h5_attr_string(log->provenance, key, value);
}

int runlog_append_step(runlog_t *log, const step_row_t *row)
{
    if (row_buffer_push(&log->step_rows, row) != 0)
        return ms_fail(MS_ERR_RUN,
                       "out of memory buffering step %lld for run log '%s' (flush "
                       "more often or use a smaller run)",
                       (long long)row->step, log->path);
    return 0;
}

int runlog_append_epoch(runlog_t *log, const epoch_row_t *row)
{
    if (row_buffer_push(&log->epoch_rows, row) != 0)
        return ms_fail(MS_ERR_RUN, "out of memory buffering epoch %d for run log '%s'",
                       (int)row->epoch, log->path);
    return 0;
}

/* Writes the buffered rows; on failure they stay buffered, and the table its old length. */
static int rows_write(hid_t table, hid_t type, row_buffer_t *b)
{
    int rc = h5_table_append(table, type, b->rows, b->count);
    if (!rc)
        b->count = 0;
    return rc;
}

int runlog_flush(runlog_t *log)
{
    int rc = rows_write(log->steps, log->step_type, &log->step_rows);
    if (!rc)
        rc = rows_write(log->epochs, log->epoch_type, &log->epoch_rows);
    if (!rc)
        rc = h5_flush(log->file);
    return rc;
}

int runlog_finish(runlog_t *log, const final_metrics_t *final)
{
    char end[32];
    hid_t group = h5_group(log->file, "final");
    if (group < 0)
        return MS_ERR_RUN;
    int rc = h5_attr_int64(group, "best_epoch", final->best_epoch);
    if (!rc)
        rc = h5_attr_double(group, "best_test_loss", final->best_test_loss);
    if (!rc)
        rc = h5_attr_double(group, "best_test_perplexity", final->best_test_perplexity);
    if (!rc)
        rc = h5_attr_double(group, "token_accuracy", final->token_accuracy);
    if (!rc)
        rc = h5_attr_double(group, "mad_accuracy", final->mad_accuracy);
    if (!rc)
        rc = h5_attr_double(group, "max_token_accuracy", final->max_token_accuracy);
    if (!rc)
        rc = h5_attr_double(group, "max_mad_accuracy", final->max_mad_accuracy);
    if (!rc)
        rc = h5_attr_int64(group, "epochs_run", final->epochs_run);
    if (!rc)
        rc = h5_attr_string(group, "stop_reason", final->stop_reason ? final->stop_reason : "");
    if (!rc)
        rc = h5_attr_double(group, "wall_seconds", final->wall_seconds);
    H5Gclose(group);
    time_now_iso8601(end);
    if (!rc)
        rc = runlog_provenance(log, "end_time", end);
    return rc;
}

hid_t runlog_file(const runlog_t *log) { return log ? log->file : H5I_INVALID_HID; }

int runlog_close(runlog_t *log)
{
    if (!log)
        return 0;
    int rc = runlog_flush(log);
    if (!rc) {
        /* Close the file here rather than in runlog_release, to report a failed close. */
        h5_quiet_t q = h5_quiet_begin();
        H5Dclose(log->steps);
        H5Dclose(log->epochs);
        H5Gclose(log->provenance);
        h5_quiet_end(q);
        log->steps = log->epochs = log->provenance = H5I_INVALID_HID;
        rc = h5_close(log->file);
        log->file = H5I_INVALID_HID;
    }
    runlog_release(log);
    return rc;
}
