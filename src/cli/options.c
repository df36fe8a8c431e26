/* Option parsing shared by the subcommands. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "madsweep/error.h"

static const char **option_slot(cli_options_t *o, const char *name)
{
    struct { const char *name; const char **slot; } table[] = {
        {"variant", &o->variant}, {"task", &o->task}, {"out", &o->out}, {"split", &o->split},
        {"seed", &o->seed}, {"lr", &o->lr}, {"wd", &o->wd}, {"epochs", &o->epochs},
        {"count", &o->count}, {"batch", &o->batch}, {"max-attempts", &o->max_attempts},
        {"cell-timeout", &o->cell_timeout}, {"reference", &o->reference}, {"metric", &o->metric},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].slot;
    return NULL;
}

/* 0: not accepted, 1: takes a value, 2: a flag ("name!" in the list) */
static int accepted_option(const char *accepted, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = accepted; (p = strstr(p, name)) != NULL; p += n)
        if ((p == accepted || p[-1] == ',') && (p[n] == ',' || p[n] == '\0' || p[n] == '!'))
            return p[n] == '!' ? 2 : 1;
    return 0;
}

int cli_parse(int argc, char **argv, int first, const char *command, const char *accepted,
              cli_options_t *o)
{
    memset(o, 0, sizeof *o);
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            if (o->n_positional == 4)
                return ms_fail(MS_ERR_INPUT, "too many arguments at '%s'", arg);
            o->positional[o->n_positional++] = arg;
            continue;
        }
        char name[64];
        const char *eq = strchr(arg, '='), *value;
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        snprintf(name, sizeof name, "%.*s", (int)len, arg + 2);
        int kind = accepted_option(accepted, name);
        if (!kind) {
            char list[512] = "";
            for (const char *p = accepted; *p;) {
                size_t n = strcspn(p, ",!"), used = strlen(list);
                snprintf(list + used, sizeof list - used, "%s--%.*s", used ? ", " : "", (int)n, p);
                p += n + (p[n] == '!');
                p += *p == ',';
            }
            return ms_fail(MS_ERR_INPUT, "%s does not take --%s (it takes %s)", command, name, list);
        }
        if (kind == 2) {
            if (eq)
                return ms_fail(MS_ERR_INPUT, "--%s takes no value", name);
            if (strcmp(name, "dry-run") == 0)
                o->dry_run = true;
            else if (strcmp(name, "retry-failed") == 0)
                o->retry_failed = true;
            continue;
        }
        if (eq)
            value = eq + 1;
        else if (i + 1 < argc)
            value = argv[++i];
        else
            return ms_fail(MS_ERR_INPUT, "--%s needs a value", name);
        if (strcmp(name, "set") == 0) {
            if (o->n_sets == CLI_MAX_SETS)
                return ms_fail(MS_ERR_INPUT, "more than %d --set options", CLI_MAX_SETS);
            if (!strchr(value, '='))
                return ms_fail(MS_ERR_INPUT, "--set %s: expected key=value", value);
            o->sets[o->n_sets++] = value;
        } else {
            *option_slot(o, name) = value;
        }
    }
    return MS_OK;
}

int cli_int(const char *text, const char *option, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < lo || v > hi)
        return ms_fail(MS_ERR_INPUT, "--%s %s: expected an integer from %lld to %lld", option, text, lo, hi);
    *out = v;
    return MS_OK;
}

int cli_double(const char *text, const char *option, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !isfinite(v) || v < lo || v > hi) {
        if (lo > 0 && hi >= 1e300)
            return ms_fail(MS_ERR_INPUT, "--%s %s: expected a positive number", option, text);
        if (hi >= 1e300)
            return ms_fail(MS_ERR_INPUT, "--%s %s: expected a number >= %g", option, text, lo);
        return ms_fail(MS_ERR_INPUT, "--%s %s: expected a number from %g to %g", option, text, lo, hi);
    }
    *out = v;
    return MS_OK;
}

static bool task_has_key(const task_def_t *task, const char *key)
{
    for (const task_key_t *k = task->keys; k && k->name; k++)
        if (strcmp(k->name, key) == 0)
            return true;
    return false;
}

/* --set key=value: a key of the task, else a constant of the variant. */
static int apply_set(run_config_t *cfg, const char *pair)
{
    char key[64];
    const char *eq = strchr(pair, '=');
    snprintf(key, sizeof key, "%.*s", (int)(eq - pair), pair);
    if (task_has_key(cfg->setting.task, key))
        return task_setting_set(&cfg->setting, key, eq + 1);
    if (variant_constant_index(cfg->variant, key) >= 0) {
        double v = 0;
        int status = cli_double(eq + 1, key, -1e300, 1e300, &v);
        return status ? status : run_config_set_constant(cfg, key, v);
    }
    char keys[512] = "";
    for (const task_key_t *k = cfg->setting.task->keys; k && k->name; k++) {
        size_t n = strlen(keys);
        snprintf(keys + n, sizeof keys - n, "%s%s", n ? ", " : "", k->name);
    }
    for (int i = 0; i < cfg->variant->n_constants; i++) {
        size_t n = strlen(keys);
        snprintf(keys + n, sizeof keys - n, ", %s", cfg->variant->constants[i].name);
    }
    return ms_fail(MS_ERR_INPUT, "--set %s: unknown key '%s' for task %s and variant %s (accepted: %s)", pair,
                   key, cfg->setting.task->name, cfg->variant->name, keys);
}

int cli_run_config(const cli_options_t *o, run_config_t *cfg)
{
    if (!o->variant)
        return ms_fail(MS_ERR_INPUT, "--variant is required (see: madsweep list variants)");
    if (!o->task)
        return ms_fail(MS_ERR_INPUT, "--task is required (see: madsweep list tasks)");
    const variant_t *variant = variant_find(o->variant);
    const task_def_t *task = variant ? task_find(o->task) : NULL;
    if (!variant || !task)
        return MS_ERR_INPUT;
    task_setting_t setting;
    task_setting_baseline(&setting, task);
    run_config_default(cfg, variant, &setting);
    int status = MS_OK;
    for (int i = 0; i < o->n_sets && status == MS_OK; i++)
        status = apply_set(cfg, o->sets[i]);
    long long n = 0;
    if (status == MS_OK && o->seed && (status = cli_int(o->seed, "seed", 0, (1LL << 62), &n)) == MS_OK)
        cfg->seed = (uint64_t)n;
    if (status == MS_OK && o->epochs && (status = cli_int(o->epochs, "epochs", 1, 100000, &n)) == MS_OK)
        cfg->epochs = (int)n;
    if (status == MS_OK && o->lr)
        status = cli_double(o->lr, "lr", 1e-300, 1e300, &cfg->lr);
    if (status == MS_OK && o->wd)
        status = cli_double(o->wd, "wd", 0, 1e300, &cfg->weight_decay);
    return status == MS_OK ? run_config_validate(cfg) : status;
}

int cli_check_writable(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    const char *parent = dirname(dir);
    struct stat st;
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
        return ms_fail(MS_ERR_INPUT, "cannot write '%s': folder '%s' does not exist (create it first)", path,
                       parent);
    if (access(parent, W_OK) != 0 || (access(path, F_OK) == 0 && access(path, W_OK) != 0))
        return ms_fail(MS_ERR_INPUT, "cannot write '%s': permission denied", path);
    return MS_OK;
}
