/* Cells: identity, expected cost, and where their run file lives. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "madsweep/sweep.h"

void cell_key(const run_config_t *cfg, char out[CELL_KEY_LEN + 1])
{
    char json[4096];
    run_config_to_json(cfg, json, sizeof json);
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)json; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    snprintf(out, CELL_KEY_LEN + 1, "%016llx", (unsigned long long)h);
}

double cell_cost(const run_config_t *cfg)
{
    model_config_t m;
    run_config_model(cfg, &m);
    const task_setting_t *s = &cfg->setting;
    /* evaluation is a forward pass only: a third of a training step per token */
    double sequences = s->num_train + s->num_test / 3.0;
    return cfg->epochs * sequences * task_input_length(s) * model_flops_per_token(&m) / 1e9;
}

int cell_run_path(const char *dir, const cell_t *c, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/runs/%s/%s/%s.h5", dir, c->cfg.variant->name, c->cfg.setting.task->name, c->key);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* mkdir -p */
int sweep_make_dirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}
