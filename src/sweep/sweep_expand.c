/* Expansion: variants x tasks x settings x lr x wd x seeds, each cell resolved, validated, keyed
 * and costed, duplicates dropped, the longest first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"
#include "sweep_internal.h"

enum { MAX_SETTINGS = 256 };

/* A settings entry: an object of --set style overrides on the baseline. */
static int read_setting(const sweep_spec_t *sp, const task_def_t *task, const cJSON *j, const char *path,
                        task_setting_t *out)
{
    task_setting_baseline(out, task);
    if (cJSON_IsString(j) && strcmp(j->valuestring, "baseline") == 0)
        return MS_OK;
    if (!cJSON_IsObject(j))
        return sweep_bad(sp, path, "expected \"baseline\" or an object of overrides such as {\"seq_len\": 256}");
    for (const cJSON *e = j->child; e; e = e->next) {
        char value[64], where[256];
        snprintf(where, sizeof where, "%s.%s", path, e->string);
        if (cJSON_IsNumber(e))
            snprintf(value, sizeof value, "%.17g", e->valuedouble);
        else if (cJSON_IsString(e))
            snprintf(value, sizeof value, "%s", e->valuestring);
        else
            return sweep_bad(sp, where, "expected a number");
        if (task_setting_set(out, e->string, value) != MS_OK)
            return sweep_bad(sp, where, "%s", ms_error_message());
    }
    if (task_setting_validate(out) != MS_OK)
        return sweep_bad(sp, path, "%s", ms_error_message());
    return MS_OK;
}

static int read_task(const sweep_spec_t *sp, const cJSON *j, int index, task_setting_t *settings, int *n)
{
    char path[96];
    snprintf(path, sizeof path, "tasks[%d]", index);
    if (!cJSON_IsObject(j))
        return sweep_bad(sp, path, "expected {\"task\": NAME, \"settings\": \"baseline\" | \"all\" | [...]}");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "task");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "settings");
    for (const cJSON *e = j->child; e; e = e->next)
        if (strcmp(e->string, "task") != 0 && strcmp(e->string, "settings") != 0) {
            char where[128];
            snprintf(where, sizeof where, "%s.%s", path, e->string);
            return sweep_bad(sp, where, "unknown key (accepted: task, settings)");
        }
    snprintf(path, sizeof path, "tasks[%d].task", index);
    if (!cJSON_IsString(name))
        return sweep_bad(sp, path, "expected a task name (see: madsweep list tasks)");
    const task_def_t *task = task_find(name->valuestring);
    if (!task)
        return sweep_bad(sp, path, "%s", ms_error_message());
    snprintf(path, sizeof path, "tasks[%d].settings", index);
    *n = 0;
    if (!list || (cJSON_IsString(list) && strcmp(list->valuestring, "baseline") == 0)) {
        task_setting_baseline(&settings[(*n)++], task);
    } else if (cJSON_IsString(list) && strcmp(list->valuestring, "all") == 0) {
        for (int i = 0; i < task_grid_count(task) && i < MAX_SETTINGS; i++)
            task_grid_setting(task, i, &settings[(*n)++]);
    } else if (cJSON_IsArray(list) && cJSON_GetArraySize(list) > 0 && cJSON_GetArraySize(list) <= MAX_SETTINGS) {
        int i = 0;
        for (const cJSON *e = list->child; e; e = e->next, i++) {
            char where[128];
            snprintf(where, sizeof where, "tasks[%d].settings[%d]", index, i);
            int rc = read_setting(sp, task, e, where, &settings[(*n)++]);
            if (rc)
                return rc;
        }
    } else {
        return sweep_bad(sp, path, "expected \"baseline\", \"all\" or a non-empty list of settings");
    }
    return MS_OK;
}

/* "baseline", or the keys whose values differ from the baseline's: "seq_len=256,num_train=800" */
static void setting_label(const task_setting_t *s, char *out, size_t len)
{
    task_setting_t base;
    task_setting_baseline(&base, s->task);
    char a[1024], b[1024];
    task_setting_to_json(s, a, sizeof a);
    task_setting_to_json(&base, b, sizeof b);
    cJSON *ja = cJSON_Parse(a), *jb = cJSON_Parse(b);
    out[0] = '\0';
    for (const cJSON *e = ja ? ja->child : NULL; e; e = e->next) {
        const cJSON *other = cJSON_GetObjectItemCaseSensitive(jb, e->string);
        if (!cJSON_IsNumber(e) || (other && cJSON_IsNumber(other) && other->valuedouble == e->valuedouble))
            continue;
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s=%g", used ? "," : "", e->string, e->valuedouble);
    }
    if (!out[0])
        snprintf(out, len, "baseline");
    cJSON_Delete(ja);
    cJSON_Delete(jb);
}

static int apply_constants(const sweep_spec_t *sp, run_config_t *cfg)
{
    const cJSON *mine = sp->constants ? cJSON_GetObjectItemCaseSensitive(sp->constants, cfg->variant->name) : NULL;
    for (const cJSON *e = mine ? mine->child : NULL; e; e = e->next) {
        char path[256];
        snprintf(path, sizeof path, "constants.%s.%s", cfg->variant->name, e->string);
        if (!cJSON_IsNumber(e))
            return sweep_bad(sp, path, "expected a number");
        if (run_config_set_constant(cfg, e->string, e->valuedouble) != MS_OK)
            return sweep_bad(sp, path, "%s", ms_error_message());
    }
    return MS_OK;
}

static int check_constant_variants(const sweep_spec_t *sp)
{
    for (const cJSON *e = sp->constants ? sp->constants->child : NULL; e; e = e->next) {
        bool used = false;
        for (int i = 0; i < sp->n_variants; i++)
            used = used || strcmp(sp->variants[i]->name, e->string) == 0;
        char path[256];
        snprintf(path, sizeof path, "constants.%s", e->string);
        if (!used)
            return sweep_bad(sp, path, "this variant is not in the sweep's variants");
        if (!cJSON_IsObject(e))
            return sweep_bad(sp, path, "expected {\"constant\": value}");
    }
    return MS_OK;
}

static int by_key(const void *a, const void *b) { return strcmp(((const cell_t *)a)->key, ((const cell_t *)b)->key); }

/* The same resolved config reached twice (for example "baseline" listed beside a setting equal
 * to it) is one cell. */
static void drop_duplicates(sweep_t *s)
{
    qsort(s->cells, (size_t)s->n_cells, sizeof *s->cells, by_key);
    int kept = 0;
    for (int i = 0; i < s->n_cells; i++)
        if (kept == 0 || strcmp(s->cells[kept - 1].key, s->cells[i].key) != 0)
            s->cells[kept++] = s->cells[i];
    s->n_cells = kept;
}

static int by_cost_descending(const void *a, const void *b)
{
    const cell_t *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1;
    return strcmp(x->key, y->key); /* a total order: the queue does not depend on qsort */
}

int sweep_expand(const sweep_spec_t *sp, sweep_t *s)
{
    int rc = check_constant_variants(sp);
    task_setting_t *settings = malloc(sizeof *settings * MAX_SETTINGS);
    if (!settings)
        return ms_fail(MS_ERR_RUN, "out of memory reading %s", sp->file);
    int capacity = 0;
    for (int t = 0; !rc && t < cJSON_GetArraySize(sp->tasks); t++) {
        int n = 0;
        if ((rc = read_task(sp, cJSON_GetArrayItem(sp->tasks, t), t, settings, &n)))
            break;
        int more = sp->n_variants * n * sp->n_lr * sp->n_wd * sp->n_seeds;
        cell_t *cells = realloc(s->cells, sizeof *cells * (size_t)(capacity += more));
        if (!cells) {
            rc = ms_fail(MS_ERR_RUN, "out of memory expanding %d cells", capacity);
            break;
        }
        s->cells = cells;
        for (int v = 0; !rc && v < sp->n_variants; v++)
            for (int i = 0; !rc && i < n; i++)
                for (int a = 0; !rc && a < sp->n_lr; a++)
                    for (int w = 0; !rc && w < sp->n_wd; w++)
                        for (int k = 0; !rc && k < sp->n_seeds; k++) {
                            cell_t *c = &s->cells[s->n_cells];
                            memset(c, 0, sizeof *c);
                            run_config_default(&c->cfg, sp->variants[v], &settings[i]);
                            c->cfg.epochs = sp->protocol.epochs;
                            c->cfg.batch_size = sp->protocol.batch_size;
                            c->cfg.early_stop = sp->protocol.early_stop;
                            c->cfg.chunk = sp->protocol.chunk;
                            c->cfg.lr = sp->lrs[a];
                            c->cfg.weight_decay = sp->wds[w];
                            c->cfg.seed = (uint64_t)sp->seeds[k];
                            if ((rc = apply_constants(sp, &c->cfg)))
                                break;
                            if (run_config_validate(&c->cfg) != MS_OK) {
                                char path[64];
                                snprintf(path, sizeof path, "tasks[%d]", t);
                                rc = sweep_bad(sp, path, "%s", ms_error_message());
                                break;
                            }
                            cell_key(&c->cfg, c->key);
                            setting_label(&settings[i], c->setting, sizeof c->setting);
                            c->cost = cell_cost(&c->cfg);
                            s->n_cells++;
                        }
    }
    free(settings);
    if (!rc)
        drop_duplicates(s);
    if (!rc && s->n_cells == 0)
        rc = sweep_bad(sp, "tasks", "the sweep expands to no cells");
    if (!rc)
        qsort(s->cells, (size_t)s->n_cells, sizeof *s->cells, by_cost_descending);
    return rc;
}
