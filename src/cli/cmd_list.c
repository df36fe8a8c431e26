/* madsweep list variants|tasks: the exact names, one per line (the first word), for people
 * and for scripts. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "madsweep/error.h"

static void list_variants(void)
{
    for (int i = 0; i < variant_count(); i++) {
        const variant_t *v = variant_at(i);
        printf("%-75s %s", v->name, v->description);
        for (int j = 0; j < v->n_constants; j++)
            printf("%s%s=%g", j ? ", " : " [", v->constants[j].name, v->constants[j].value);
        printf("%s\n", v->n_constants ? "]" : "");
    }
}

static void list_tasks(void)
{
    for (int i = 0; i < task_count(); i++) {
        const task_def_t *t = task_at(i);
        task_setting_t s;
        task_setting_baseline(&s, t);
        char json[512];
        task_setting_to_json(&s, json, sizeof json);
        printf("%-16s %s; %d settings; --set keys:", t->name, t->description, task_grid_count(t));
        for (const task_key_t *k = t->keys; k && k->name; k++)
            printf(" %s", k->name);
        printf("; baseline %s\n", json);
    }
}

int cmd_list(int argc, char **argv)
{
    const char *what = argc > 2 ? argv[2] : "";
    if (strcmp(what, "variants") == 0)
        list_variants();
    else if (strcmp(what, "tasks") == 0)
        list_tasks();
    else
        return ms_fail(MS_ERR_INPUT, "list what? expected 'variants' or 'tasks'");
    return MS_OK;
}
