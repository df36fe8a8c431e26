/* madsweep data: the generated instances of one split, for inspection and for tests. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "madsweep/error.h"
#include "madsweep/h5util.h"

int cmd_data(int argc, char **argv)
{
    cli_options_t o;
    int status = cli_parse(argc, argv, 2, "data", "task,set,split,count,out", &o);
    if (status != MS_OK)
        return status;
    if (!o.task || !o.split || !o.count || !o.out)
        return ms_fail(MS_ERR_INPUT, "--task, --split, --count and --out are required");
    const task_def_t *task = task_find(o.task);
    if (!task)
        return MS_ERR_INPUT;
    task_setting_t s;
    task_setting_baseline(&s, task);
    for (int i = 0; i < o.n_sets && status == MS_OK; i++) {
        char key[64];
        const char *eq = strchr(o.sets[i], '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq - o.sets[i]), o.sets[i]);
        status = task_setting_set(&s, key, eq + 1);
    }
    if (status == MS_OK)
        status = task_setting_validate(&s);
    bool is_train = strcmp(o.split, "train") == 0;
    if (status == MS_OK && !is_train && strcmp(o.split, "test") != 0)
        status = ms_fail(MS_ERR_INPUT, "--split %s: expected train or test", o.split);
    long long count = 0;
    if (status == MS_OK)
        status = cli_int(o.count, "count", 1, is_train ? s.num_train : s.num_test, &count);
    if (status == MS_OK)
        status = cli_check_writable(o.out);
    if (status != MS_OK)
        return status;

    dataset_t train = {0}, test = {0};
    status = task_generate(&s, &train, &test);
    if (status == MS_OK) {
        const dataset_t *d = is_train ? &train : &test;
        hid_t f = h5_create(o.out);
        hsize_t dims[2] = {(hsize_t)count, (hsize_t)d->length};
        status = f < 0 ? MS_ERR_RUN : h5_write_int32(f, "inputs", d->inputs, 2, dims);
        if (status == MS_OK)
            status = h5_write_int32(f, "targets", d->targets, 2, dims);
        char json[1024];
        task_setting_to_json(&s, json, sizeof json);
        if (status == MS_OK)
            status = h5_attr_string(f, "setting", json);
        if (status == MS_OK)
            status = h5_attr_string(f, "split", o.split);
        if (f >= 0) {
            int closed = h5_close(f);
            status = status ? status : closed;
        }
    }
    dataset_free(&train);
    dataset_free(&test);
    return status;
}
