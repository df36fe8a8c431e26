/* A setting's identity is its content, never its position in a list (style.md): the run's
 * /config "setting" object and sweep.json's resolved setting compare as canonical text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/task.h"
#include "report_internal.h"

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

static void append(char *out, size_t len, size_t *used, const char *text)
{
    int n = snprintf(out + *used, *used < len ? len - *used : 0, "%s", text);
    *used += n > 0 ? (size_t)n : 0;
}

/* Keys sorted, numbers with 17 significant digits (so that 64 and 64.0 agree), compact. */
int report_setting_canonical(const cJSON *setting, char *out, size_t len)
{
    const cJSON *members[64];
    int n = 0;
    if (!cJSON_IsObject(setting))
        return -1;
    for (const cJSON *e = setting->child; e && n < 64; e = e->next)
        members[n++] = e;
    qsort(members, (size_t)n, sizeof members[0], by_name);
    size_t used = 0;
    append(out, len, &used, "{");
    for (int i = 0; i < n; i++) {
        char value[128];
        if (cJSON_IsNumber(members[i]))
            snprintf(value, sizeof value, "%.17g", members[i]->valuedouble);
        else if (cJSON_IsString(members[i]))
            snprintf(value, sizeof value, "\"%s\"", members[i]->valuestring);
        else
            snprintf(value, sizeof value, "%s", cJSON_IsTrue(members[i]) ? "true" : "null");
        append(out, len, &used, i ? ",\"" : "\"");
        append(out, len, &used, members[i]->string);
        append(out, len, &used, "\":");
        append(out, len, &used, value);
    }
    append(out, len, &used, "}");
    return used < len ? 0 : -1;
}

/* As the sweep labels its settings (and the ledger shows them): the keys whose values differ
 * from the task's baseline, "seq_len=64,num_train=800", or "baseline". */
void report_setting_label(const cJSON *setting, int task, char *out, size_t len)
{
    task_setting_t base;
    char text[1024];
    task_setting_baseline(&base, task_at(task));
    task_setting_to_json(&base, text, sizeof text);
    cJSON *baseline = cJSON_Parse(text);
    size_t used = 0;
    out[0] = '\0';
    for (const cJSON *e = setting ? setting->child : NULL; e; e = e->next) {
        const cJSON *other = cJSON_GetObjectItemCaseSensitive(baseline, e->string);
        if (!cJSON_IsNumber(e) || (cJSON_IsNumber(other) && other->valuedouble == e->valuedouble))
            continue;
        char item[160];
        snprintf(item, sizeof item, "%s%s=%g", used ? "," : "", e->string, e->valuedouble);
        append(out, len, &used, item);
    }
    if (!out[0])
        snprintf(out, len, "baseline");
    cJSON_Delete(baseline);
}

bool report_run_succeeded(const report_run_t *run)
{
    return run->finished && strcmp(run->stop_reason, "nan") != 0 && isfinite(run->mad) && isfinite(run->token);
}

double report_run_score(const report_t *r, const report_run_t *run)
{
    return r->opt->metric == REPORT_METRIC_TOKEN ? run->token : run->mad;
}

const char *report_metric_name(report_metric_t m) { return m == REPORT_METRIC_TOKEN ? "token" : "mad"; }
