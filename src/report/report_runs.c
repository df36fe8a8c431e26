/* Reading the run files: DIR/runs/<variant>/<task>/<key>.h5 under their final names only (a
 * .part is a run in progress, .ckpt and .tmp are checkpoints). A file that cannot be read is
 * listed, not fatal: the cells it belongs to come out incomplete. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/h5util.h"
#include "madsweep/task.h"
#include "report_internal.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int task_index(const char *name)
{
    for (int i = 0; i < task_count(); i++)
        if (strcmp(task_at(i)->name, name) == 0)
            return i;
    return -1;
}

/* The run's identity from its /config JSON (the authoritative record, formats.md). */
static int run_identity(report_run_t *run, const char *json)
{
    cJSON *c = cJSON_Parse(json);
    const cJSON *variant = cJSON_GetObjectItemCaseSensitive(c, "variant");
    const cJSON *task = cJSON_GetObjectItemCaseSensitive(c, "task");
    const cJSON *setting = cJSON_GetObjectItemCaseSensitive(c, "setting");
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(c, "seed");
    const cJSON *lr = cJSON_GetObjectItemCaseSensitive(c, "lr");
    const cJSON *wd = cJSON_GetObjectItemCaseSensitive(c, "weight_decay");
    int rc = -1;
    if (cJSON_IsString(variant) && cJSON_IsString(task) && cJSON_IsNumber(seed) && cJSON_IsNumber(lr) &&
        (run->task = task_index(task->valuestring)) >= 0 &&
        report_setting_canonical(setting, run->setting, sizeof run->setting) == 0) {
        snprintf(run->variant, sizeof run->variant, "%s", variant->valuestring);
        report_setting_label(setting, run->task, run->label, sizeof run->label);
        run->seed = (long long)seed->valuedouble;
        run->lr = lr->valuedouble;
        run->wd = cJSON_IsNumber(wd) ? wd->valuedouble : 0.0;
        rc = 0;
    }
    cJSON_Delete(c);
    return rc;
}

static int run_final(report_run_t *run, hid_t file)
{
    h5_quiet_t q = h5_quiet_begin();
    hid_t g = H5Lexists(file, "final", H5P_DEFAULT) > 0 ? H5Gopen2(file, "final", H5P_DEFAULT) : -1;
    h5_quiet_end(q);
    run->finished = g >= 0;
    run->mad = run->token = NAN;
    if (g < 0)
        return 0;
    int64_t epochs = 0;
    char *reason = NULL;
    int rc = h5_read_attr_double(g, "mad_accuracy", &run->mad);
    rc = rc ? rc : h5_read_attr_double(g, "token_accuracy", &run->token);
    rc = rc ? rc : h5_read_attr_int64(g, "epochs_run", &epochs);
    rc = rc ? rc : h5_read_attr_string(g, "stop_reason", &reason);
    run->epochs_run = (int)epochs;
    snprintf(run->stop_reason, sizeof run->stop_reason, "%s", reason ? reason : "");
    free(reason);
    H5Gclose(g);
    return rc;
}

static void note_unreadable(report_t *r, const char *path, const char *why)
{
    void *more = realloc(r->unreadable, sizeof *r->unreadable * (size_t)(r->n_unreadable + 1));
    if (!more)
        return;
    r->unreadable = more;
    snprintf(r->unreadable[r->n_unreadable++], sizeof *r->unreadable, "%s: %s", path, why);
}

static int run_read(report_t *r, const char *rel)
{
    char path[4096 + REPORT_PATH_LEN];
    snprintf(path, sizeof path, "%s/%s", r->opt->dir, rel);
    report_run_t run;
    memset(&run, 0, sizeof run);
    snprintf(run.path, sizeof run.path, "%s", rel);
    const char *base = strrchr(rel, '/') + 1;
    snprintf(run.key, sizeof run.key, "%.*s", (int)(strlen(base) - 3), base);
    char *json = NULL;
    const char *why = NULL;
    hid_t f = h5_open(path, 0);
    if (f < 0 || h5_read_string(f, "config", &json) != 0)
        why = ms_error_message();
    else if (run_identity(&run, json) != 0)
        why = "its /config is not the config of a run of a known task";
    else if (run_final(&run, f) != 0)
        why = ms_error_message();
    if (why)
        note_unreadable(r, rel, why);
    free(json);
    h5_close(f);
    ms_error_clear();
    if (why)
        return MS_OK;
    if (r->n_runs % 256 == 0) {
        report_run_t *more = realloc(r->runs, sizeof *more * (size_t)(r->n_runs + 256));
        if (!more)
            return ms_fail(MS_ERR_RUN, "out of memory reading the run files of '%s'", r->opt->dir);
        r->runs = more;
    }
    r->runs[r->n_runs++] = run;
    return MS_OK;
}

/* Names in a folder, sorted, so that the report does not depend on readdir's order. */
static int list_dir(const char *path, char ***names, int *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(path);
    if (!d)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char **more = realloc(*names, sizeof *more * (size_t)(*n + 1));
        char *copy = strdup(e->d_name);
        if (!more || !copy) {
            free(copy);
            *names = more ? more : *names;
            closedir(d);
            return -1;
        }
        *names = more;
        (*names)[(*n)++] = copy;
    }
    closedir(d);
    return 0;
}

static int by_string(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Walks depth levels below DIR/<rel> (variant, task, file) and reads each *.h5 at the bottom. */
static int walk(report_t *r, const char *rel, int depth)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", r->opt->dir, rel);
    char **names;
    int n, rc = MS_OK;
    if (list_dir(path, &names, &n) != 0)
        return ms_fail(MS_ERR_RUN, "cannot list '%s': %s (check the folder's permissions)", path, strerror(errno));
    qsort(names, (size_t)n, sizeof *names, by_string);
    for (int i = 0; i < n && rc == MS_OK; i++) {
        char child[REPORT_PATH_LEN];
        if (snprintf(child, sizeof child, "%s/%s", rel, names[i]) >= (int)sizeof child)
            continue;
        if (depth > 1)
            rc = walk(r, child, depth - 1);
        else if (ends_with(names[i], ".h5"))
            rc = run_read(r, child);
    }
    free_names(names, n);
    return rc;
}

int report_runs_read(report_t *r) { return walk(r, "runs", 3); }
