/* Reading a sweep file: every value is checked, and an error names the file, the JSON path and
 * what was expected, before any work starts. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/sweep.h"
#include "sweep_internal.h"

int sweep_bad(const sweep_spec_t *sp, const char *path, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ms_fail(MS_ERR_INPUT, "%s: %s: %s", sp->file, path, what);
}

static int read_numbers(const sweep_spec_t *sp, const cJSON *j, const char *path, double lo, double hi,
                        bool integral, double *out, int max, int *n)
{
    if (cJSON_IsNumber(j)) {
        out[0] = j->valuedouble;
        *n = 1;
    } else if (cJSON_IsArray(j) && cJSON_GetArraySize(j) > 0 && cJSON_GetArraySize(j) <= max) {
        *n = 0;
        for (const cJSON *e = j->child; e; e = e->next) {
            if (!cJSON_IsNumber(e))
                return sweep_bad(sp, path, "expected a list of numbers");
            out[(*n)++] = e->valuedouble;
        }
    } else {
        return sweep_bad(sp, path, "expected a number or a non-empty list of at most %d numbers", max);
    }
    for (int i = 0; i < *n; i++)
        if (!(out[i] >= lo && out[i] <= hi) || (integral && out[i] != floor(out[i])))
            return sweep_bad(sp, path, "%g is out of range: expected %s from %g to %g", out[i],
                       integral ? "an integer" : "a number", lo, hi);
    return MS_OK;
}

static int read_variants(sweep_spec_t *sp, const cJSON *j)
{
    if (cJSON_IsString(j) && strcmp(j->valuestring, "all") == 0) {
        for (int i = 0; i < variant_count(); i++)
            sp->variants[sp->n_variants++] = variant_at(i);
        return MS_OK;
    }
    if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) == 0 || cJSON_GetArraySize(j) > 64)
        return sweep_bad(sp, "variants", "expected \"all\" or a non-empty list of variant names");
    int i = 0;
    for (const cJSON *e = j->child; e; e = e->next, i++) {
        char path[64];
        snprintf(path, sizeof path, "variants[%d]", i);
        if (!cJSON_IsString(e))
            return sweep_bad(sp, path, "expected a variant name (see: madsweep list variants)");
        const variant_t *v = variant_find(e->valuestring);
        if (!v)
            return sweep_bad(sp, path, "%s", ms_error_message());
        sp->variants[sp->n_variants++] = v;
    }
    return MS_OK;
}

static int read_protocol(sweep_spec_t *sp, const cJSON *j)
{
    if (!j)
        return MS_OK;
    if (!cJSON_IsObject(j))
        return sweep_bad(sp, "protocol", "expected an object such as {\"epochs\": 200}");
    for (const cJSON *e = j->child; e; e = e->next) {
        char path[96];
        snprintf(path, sizeof path, "protocol.%s", e->string);
        double v;
        int n, rc;
        if (strcmp(e->string, "epochs") == 0) {
            if ((rc = read_numbers(sp, e, path, 1, 100000, true, &v, 1, &n)))
                return rc;
            sp->protocol.epochs = (int)v;
        } else if (strcmp(e->string, "batch_size") == 0) {
            if ((rc = read_numbers(sp, e, path, 1, 1 << 20, true, &v, 1, &n)))
                return rc;
            sp->protocol.batch_size = (int)v;
        } else if (strcmp(e->string, "chunk_size") == 0) {
            if ((rc = read_numbers(sp, e, path, 1, 256, true, &v, 1, &n)))
                return rc;
            sp->protocol.chunk = (int)v;
        } else if (strcmp(e->string, "early_stop") == 0) {
            if ((rc = read_numbers(sp, e, path, 0, 1.5, false, &v, 1, &n)))
                return rc;
            sp->protocol.early_stop = v;
        } else if (strcmp(e->string, "name") != 0) {
            return sweep_bad(sp, path, "unknown protocol key (accepted: name, epochs, batch_size, early_stop, chunk_size)");
        }
    }
    return MS_OK;
}

static int read_spec(sweep_spec_t *sp, const cJSON *root, sweep_t *s)
{
    static const char *const known[] = {"name", "out", "variants", "tasks", "optimizer", "seeds", "protocol",
                                        "constants", "description", NULL};
    if (!cJSON_IsObject(root))
        return sweep_bad(sp, "(top level)", "expected a JSON object");
    for (const cJSON *e = root->child; e; e = e->next) {
        bool ok = false;
        for (int i = 0; known[i]; i++)
            ok = ok || strcmp(e->string, known[i]) == 0;
        if (!ok)
            return sweep_bad(sp, e->string, "unknown key (accepted: name, out, variants, tasks, optimizer, seeds, "
                                      "protocol, constants, description)");
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(root, "out");
    if (!cJSON_IsString(name) || !name->valuestring[0])
        return sweep_bad(sp, "name", "expected a non-empty string");
    snprintf(s->name, sizeof s->name, "%s", name->valuestring);
    if (out && !cJSON_IsString(out))
        return sweep_bad(sp, "out", "expected a folder name");
    snprintf(s->out_dir, sizeof s->out_dir, "%s", out ? out->valuestring : "");
    int rc = read_variants(sp, cJSON_GetObjectItemCaseSensitive(root, "variants"));
    if (rc)
        return rc;
    sp->tasks = cJSON_GetObjectItemCaseSensitive(root, "tasks");
    if (!cJSON_IsArray(sp->tasks) || cJSON_GetArraySize(sp->tasks) == 0)
        return sweep_bad(sp, "tasks", "expected a non-empty list of {\"task\": NAME, \"settings\": ...}");
    const cJSON *opt = cJSON_GetObjectItemCaseSensitive(root, "optimizer");
    if (!cJSON_IsObject(opt))
        return sweep_bad(sp, "optimizer", "expected {\"lr\": [...], \"wd\": [...]}");
    const cJSON *lr = cJSON_GetObjectItemCaseSensitive(opt, "lr"), *wd = cJSON_GetObjectItemCaseSensitive(opt, "wd");
    if (!lr)
        return sweep_bad(sp, "optimizer.lr", "missing: expected a list of learning rates");
    if ((rc = read_numbers(sp, lr, "optimizer.lr", 1e-300, 1e300, false, sp->lrs, 32, &sp->n_lr)))
        return rc;
    if (wd && (rc = read_numbers(sp, wd, "optimizer.wd", 0, 1e300, false, sp->wds, 32, &sp->n_wd)))
        return rc;
    if (!wd)
        sp->n_wd = 1, sp->wds[0] = 0.0;
    double seeds[256];
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(root, "seeds");
    if (!js)
        return sweep_bad(sp, "seeds", "missing: expected a list of seeds such as [1, 2, 3]");
    if ((rc = read_numbers(sp, js, "seeds", 0, 9007199254740991.0, true, seeds, 256, &sp->n_seeds)))
        return rc;
    for (int i = 0; i < sp->n_seeds; i++)
        sp->seeds[i] = (long long)seeds[i];
    if ((rc = read_protocol(sp, cJSON_GetObjectItemCaseSensitive(root, "protocol"))))
        return rc;
    sp->constants = cJSON_GetObjectItemCaseSensitive(root, "constants");
    if (sp->constants && !cJSON_IsObject(sp->constants))
        return sweep_bad(sp, "constants", "expected {\"variant name\": {\"constant\": value}}");
    return sweep_expand(sp, s);
}

int sweep_read_text(const char *path, char **text)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ms_fail(MS_ERR_INPUT, "cannot read sweep file '%s': %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len + 4096 + 1 > cap) {
            char *more = realloc(buf, cap = 2 * cap + 8192);
            if (!more) {
                free(buf);
                fclose(f);
                return ms_fail(MS_ERR_RUN, "out of memory reading '%s'", path);
            }
            buf = more;
        }
        got = fread(buf + len, 1, 4096, f);
        len += got;
    } while (got > 0);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return ms_fail(MS_ERR_INPUT, "cannot read sweep file '%s'", path);
    }
    buf[len] = '\0';
    *text = buf;
    return MS_OK;
}

int sweep_parse(const char *path, const char *text, sweep_t *s)
{
    memset(s, 0, sizeof *s);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    int rc;
    if (!root) {
        int line = 1;
        for (const char *p = text; end && p < end; p++)
            line += *p == '\n';
        char near[24] = "";
        snprintf(near, sizeof near, "%s", end ? end : "");
        near[strcspn(near, "\r\n")] = '\0';
        rc = ms_fail(MS_ERR_INPUT, "%s: line %d: not valid JSON near '%s'", path, line, near);
    } else {
        sweep_spec_t sp = {.file = path};
        run_config_default(&sp.protocol, variant_at(0), &(task_setting_t){.task = task_at(0)});
        rc = read_spec(&sp, root, s);
    }
    cJSON_Delete(root);
    if (rc)
        sweep_free(s);
    return rc;
}

int sweep_load(const char *path, sweep_t *s)
{
    char *text;
    int rc = sweep_read_text(path, &text);
    rc = rc ? rc : sweep_parse(path, text, s);
    free(text);
    return rc;
}

void sweep_free(sweep_t *s)
{
    free(s->cells);
    s->cells = NULL;
    s->n_cells = 0;
}
