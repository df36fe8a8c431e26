/* The reference table (shared/reference/seed_results.csv's layout): columns are matched by their
 * task titles and rows by variant name, never by position. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"
#include "madsweep/task.h"
#include "report_internal.h"

enum { MAX_FIELDS = 64 };

/* Splits a line in place on commas; fields are trimmed of spaces, quotes and line ends. */
static int split(char *line, char **fields)
{
    int n = 0;
    for (char *p = line; n < MAX_FIELDS;) {
        char *end = p + strcspn(p, ",\r\n");
        char stop = *end;
        *end = '\0';
        while (*p == ' ' || *p == '"')
            p++;
        for (char *q = end; q > p && (q[-1] == ' ' || q[-1] == '"');)
            *--q = '\0';
        fields[n++] = p;
        if (stop != ',')
            break;
        p = end + 1;
    }
    return n;
}

static int columns_map(const char *path, char *header, int *task_of_column, int *n_columns)
{
    char *fields[MAX_FIELDS];
    int n = split(header, fields), matched = 0;
    if (n < 2 || strcmp(fields[0], "variant") != 0)
        return ms_fail(MS_ERR_INPUT, "reference '%s': the first line should be a header starting with 'variant,' "
                                     "(the layout of shared/reference/seed_results.csv)", path);
    for (int i = 0; i < n; i++) {
        task_of_column[i] = -1;
        for (int t = 0; i > 0 && t < task_count(); t++)
            if (strcmp(fields[i], task_at(t)->title) == 0)
                task_of_column[i] = t;
        matched += task_of_column[i] >= 0;
    }
    *n_columns = n;
    if (!matched)
        return ms_fail(MS_ERR_INPUT, "reference '%s': no column is named after a task (expected titles such as "
                                     "'Context Recall')", path);
    return MS_OK;
}

static int row_apply(report_t *r, const char *path, int line_no, char *line, const int *task_of_column, int n)
{
    char *fields[MAX_FIELDS];
    int got = split(line, fields);
    if (got == 1 && fields[0][0] == '\0')
        return MS_OK; /* a blank line */
    int v = 0;
    while (v < r->n_variants && strcmp(r->variants[v], fields[0]) != 0)
        v++;
    if (v == r->n_variants) {
        r->n_reference_only++;
        return MS_OK;
    }
    for (int i = 1; i < got && i < n; i++) {
        if (task_of_column[i] < 0 || fields[i][0] == '\0')
            continue;
        char *end;
        errno = 0;
        double x = strtod(fields[i], &end);
        if (errno || *end != '\0')
            return ms_fail(MS_ERR_INPUT, "reference '%s' line %d: '%s' is not a number (leave the field empty "
                                         "for no value)", path, line_no, fields[i]);
        report_cell_t *c = &r->cells[v * r->n_tasks + task_of_column[i]];
        c->reference = x;
        c->difference = c->n_seeds ? c->mean - x : NAN;
    }
    return MS_OK;
}

int report_reference_read(report_t *r)
{
    const char *path = r->opt->reference;
    if (!path)
        return MS_OK;
    FILE *f = fopen(path, "r");
    if (!f)
        return ms_fail(MS_ERR_INPUT, "cannot read reference '%s': %s", path, strerror(errno));
    char line[8192];
    int task_of_column[MAX_FIELDS], n = 0, line_no = 1;
    int rc = fgets(line, sizeof line, f) ? columns_map(path, line, task_of_column, &n)
                                         : ms_fail(MS_ERR_INPUT, "reference '%s' is empty", path);
    while (rc == MS_OK && fgets(line, sizeof line, f))
        rc = row_apply(r, path, ++line_no, line, task_of_column, n);
    fclose(f);
    r->has_reference = rc == MS_OK;
    return rc;
}
