/* --set overrides, whole-setting validation and the canonical JSON form of a setting.
 * Every key has one type and one task-independent range here; the layout rules that tie keys
 * together (even vocabularies, room for the copy tokens ...) live with each task. */
#include "task_internal.h"

#include "madsweep/error.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { KEY_INT, KEY_INT64, KEY_REAL } key_kind_t;

typedef struct key_spec {
    const char *name;
    key_kind_t kind;
    size_t offset;
    double min, max; /* inclusive, except that a real key's max is exclusive */
} key_spec_t;

#define KEY_INT_MAX (1 << 24)
static const key_spec_t key_specs[] = {
    {"vocab_size", KEY_INT, offsetof(task_setting_t, vocab_size), 2, 1 << 20},
    {"seq_len", KEY_INT, offsetof(task_setting_t, seq_len), 2, 1 << 20},
    {"num_train", KEY_INT, offsetof(task_setting_t, num_train), 1, KEY_INT_MAX},
    {"num_test", KEY_INT, offsetof(task_setting_t, num_test), 1, KEY_INT_MAX},
    {"data_seed", KEY_INT64, offsetof(task_setting_t, data_seed), 0, (double)INT64_MAX},
    {"noise_vocab", KEY_INT, offsetof(task_setting_t, noise_vocab), 1, 1 << 20},
    {"frac_noise", KEY_REAL, offsetof(task_setting_t, frac_noise), 0, 1},
    {"tokens_to_copy", KEY_INT, offsetof(task_setting_t, tokens_to_copy), 1, 1 << 19},
    {"max_motif", KEY_INT, offsetof(task_setting_t, max_motif), 1, 8},
};

static const key_spec_t *key_spec_find(const char *name)
{
    for (size_t i = 0; i < sizeof key_specs / sizeof key_specs[0]; i++)
        if (strcmp(key_specs[i].name, name) == 0)
            return &key_specs[i];
    return NULL;
}

static const task_key_t *task_key_find(const task_def_t *task, const char *name)
{
    for (const task_key_t *k = task->keys; k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

static void key_list_format(const task_def_t *task, char *buf, size_t len)
{
    buf[0] = '\0';
    for (const task_key_t *k = task->keys; k->name; k++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", k == task->keys ? "" : ", ", k->name);
    }
}

static void key_range_format(const key_spec_t *spec, char *buf, size_t len)
{
    if (spec->kind == KEY_REAL)
        snprintf(buf, len, "a real number in [%g, %g)", spec->min, spec->max);
    else if (spec->kind == KEY_INT64)
        snprintf(buf, len, "an integer in [%.0f, %" PRId64 "]", spec->min, INT64_MAX);
    else
        snprintf(buf, len, "an integer in [%.0f, %.0f]", spec->min, spec->max);
}

static double key_value_get(const task_setting_t *s, const key_spec_t *spec)
{
    const char *field = (const char *)s + spec->offset;
    if (spec->kind == KEY_INT)
        return *(const int *)(const void *)field;
    if (spec->kind == KEY_INT64)
        return (double)*(const int64_t *)(const void *)field;
    return *(const double *)(const void *)field;
}

static bool key_value_in_range(const key_spec_t *spec, double v)
{
    if (spec->kind == KEY_REAL)
        return isfinite(v) && v >= spec->min && v < spec->max;
    return v >= spec->min && v <= spec->max;
}

/* Decimal integer, the whole string, no blanks: "12x", "", " 3" and "1e3" are all malformed. */
static bool text_parse_int64(const char *text, int64_t *out)
{
    if (!text[0] || !(text[0] == '-' || text[0] == '+' || (text[0] >= '0' && text[0] <= '9')))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool text_parse_real(const char *text, double *out)
{
    if (!text[0] || text[0] == ' ' || text[0] == '\t' || text[0] == '\n')
        return false;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

int task_setting_put(task_setting_t *s, const char *key, double value)
{
    const key_spec_t *spec = key_spec_find(key);
    if (!spec)
        return ms_fail(MS_ERR_INPUT, "no setting key '%s'", key);
    char *field = (char *)s + spec->offset;
    if (spec->kind == KEY_INT)
        *(int *)(void *)field = (int)value;
    else if (spec->kind == KEY_INT64)
        *(int64_t *)(void *)field = (int64_t)value;
    else
        *(double *)(void *)field = value;
    return MS_OK;
}

int task_setting_set(task_setting_t *s, const char *key, const char *value)
{
    const task_impl_t *impl = task_impl_of(s->task);
    if (!impl)
        return MS_ERR_INPUT;
    const char *task = impl->def->name;
    const key_spec_t *spec = key && task_key_find(impl->def, key) ? key_spec_find(key) : NULL;
    if (!spec) {
        char keys[256];
        key_list_format(impl->def, keys, sizeof keys);
        return ms_fail(MS_ERR_INPUT, "%s: unknown --set key '%s'; accepted keys: %s", task,
                       key ? key : "(null)", keys);
    }
    char range[96];
    key_range_format(spec, range, sizeof range);
    int64_t iv = 0;
    double dv = 0;
    bool ok = spec->kind == KEY_REAL ? text_parse_real(value ? value : "", &dv)
                                     : text_parse_int64(value ? value : "", &iv);
    if (!ok)
        return ms_fail(MS_ERR_INPUT, "%s: --set %s=%s is not a number: expected %s", task, key,
                       value ? value : "", range);
    /* Range-check integers before the conversion to double can round a huge value into range. */
    bool in_range = spec->kind == KEY_REAL ? key_value_in_range(spec, dv)
                  : spec->kind == KEY_INT64 ? iv >= (int64_t)spec->min
                                            : iv >= (int64_t)spec->min && iv <= (int64_t)spec->max;
    if (!in_range)
        return ms_fail(MS_ERR_INPUT, "%s: --set %s=%s is out of range: expected %s", task, key, value,
                       range);
    char *field = (char *)s + spec->offset;
    if (spec->kind == KEY_INT)
        *(int *)(void *)field = (int)iv;
    else if (spec->kind == KEY_INT64)
        *(int64_t *)(void *)field = iv;
    else
        *(double *)(void *)field = dv;
    return MS_OK;
}

int task_setting_validate(const task_setting_t *s)
{
    const task_impl_t *impl = task_impl_of(s->task);
    if (!impl)
        return MS_ERR_INPUT;
    for (const task_key_t *k = impl->def->keys; k->name; k++) {
        const key_spec_t *spec = key_spec_find(k->name);
        double v = key_value_get(s, spec); /* exact for every int; a seed's sign survives */
        if (!key_value_in_range(spec, v)) {
            char range[96];
            key_range_format(spec, range, sizeof range);
            return ms_fail(MS_ERR_INPUT, "%s: %s = %.17g is out of range: expected %s", impl->def->name,
                           k->name, v, range);
        }
    }
    return impl->check(s);
}

int task_setting_to_json(const task_setting_t *s, char *buf, int len)
{
    const task_impl_t *impl = task_impl_of(s->task);
    if (!impl)
        return -1;
    size_t cap = len > 0 ? (size_t)len : 0;
    size_t used = 0;
    char scratch[1];
    /* Like snprintf: keep counting once the buffer is full, so the caller learns the size. */
#define JSON_APPEND(...)                                                                 \
    do {                                                                                 \
        int n_ = snprintf(used < cap ? buf + used : scratch, used < cap ? cap - used : 0, \
                          __VA_ARGS__);                                                  \
        if (n_ < 0)                                                                      \
            return -1;                                                                   \
        used += (size_t)n_;                                                              \
    } while (0)
    JSON_APPEND("{\"task\":\"%s\"", impl->def->name);
    for (const task_key_t *k = impl->def->keys; k->name; k++) {
        const key_spec_t *spec = key_spec_find(k->name);
        const char *field = (const char *)s + spec->offset;
        if (spec->kind == KEY_INT)
            JSON_APPEND(",\"%s\":%d", k->name, *(const int *)(const void *)field);
        else if (spec->kind == KEY_INT64)
            JSON_APPEND(",\"%s\":%" PRId64, k->name, *(const int64_t *)(const void *)field);
        else
            JSON_APPEND(",\"%s\":%.17g", k->name, *(const double *)(const void *)field);
    }
    JSON_APPEND("}");
#undef JSON_APPEND
    return (int)used;
}
