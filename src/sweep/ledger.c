#include "madsweep/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "madsweep/error.h"

static const char *const status_names[] = {"todo", "ok", "failed", "timeout", "stopped"};

const char *cell_status_name(cell_status_t s) { return status_names[s]; }

static cell_status_t status_parse(const char *s)
{
    for (int i = CELL_OK; i <= CELL_STOPPED; i++)
        if (strcmp(s, status_names[i]) == 0)
            return (cell_status_t)i;
    return CELL_TODO;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const ledger_entry_t *)a)->key, ((const ledger_entry_t *)b)->key);
}

/* One line as read, before the lines of each key are folded together. */
typedef struct ledger_line {
    char key[CELL_KEY_LEN + 1];
    cell_status_t status;
    int order; /* line number: a key's lines fold in file order */
    char reason[128];
} ledger_line_t;

static int by_key_then_order(const void *a, const void *b)
{
    const ledger_line_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : x->order - y->order;
}

/* Splits "key\tstatus\treason\t..." into *out; -1 for a malformed line. */
static int parse_line(char *line, int order, ledger_line_t *out)
{
    char *key = line, *status = strchr(key, '\t'), *reason, *rest;
    if (!status)
        return -1;
    *status++ = '\0';
    if (!(reason = strchr(status, '\t')))
        return -1;
    *reason++ = '\0';
    if (!(rest = strchr(reason, '\t')))
        return -1;
    *rest = '\0';
    if (strlen(key) != CELL_KEY_LEN || (out->status = status_parse(status)) == CELL_TODO)
        return -1;
    snprintf(out->key, sizeof out->key, "%s", key);
    snprintf(out->reason, sizeof out->reason, "%s", reason);
    out->order = order;
    return 0;
}

/* Reads every whole line; returns the count, with the torn ones counted in l->skipped_lines. */
static int read_lines(ledger_t *l, FILE *f, ledger_line_t **lines)
{
    int n = 0, cap = 0, order = 0;
    char text[2048];
    *lines = NULL;
    while (fgets(text, sizeof text, f)) {
        size_t len = strlen(text);
        if (len == 0 || text[len - 1] != '\n') {
            l->skipped_lines++;
            continue;
        }
        text[len - 1] = '\0';
        if (text[0] == '#' || text[0] == '\0')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            ledger_line_t *more = realloc(*lines, sizeof *more * (size_t)cap);
            if (!more)
                return -1;
            *lines = more;
        }
        if (parse_line(text, order++, &(*lines)[n]) == 0)
            n++;
        else
            l->skipped_lines++;
    }
    return n;
}

static int fold_lines(ledger_t *l, ledger_line_t *lines, int n)
{
    qsort(lines, (size_t)n, sizeof *lines, by_key_then_order);
    l->entries = calloc((size_t)(n ? n : 1), sizeof *l->entries);
    if (!l->entries)
        return -1;
    for (int i = 0; i < n; i++) {
        ledger_entry_t *e = &l->entries[l->n_entries - 1];
        if (l->n_entries == 0 || strcmp(e->key, lines[i].key) != 0) {
            e = &l->entries[l->n_entries++];
            snprintf(e->key, sizeof e->key, "%s", lines[i].key);
        }
        e->last = lines[i].status;
        e->attempts += lines[i].status != CELL_STOPPED;
        e->oks += lines[i].status == CELL_OK;
        snprintf(e->reason, sizeof e->reason, "%s", lines[i].reason);
    }
    return 0;
}

int ledger_read(ledger_t *l, const char *dir)
{
    memset(l, 0, sizeof *l);
    l->fd = l->lock_fd = -1;
    snprintf(l->path, sizeof l->path, "%s/ledger.tsv", dir);
    FILE *f = fopen(l->path, "r");
    ledger_line_t *lines = NULL;
    int n = f ? read_lines(l, f, &lines) : 0;
    if (f)
        fclose(f);
    int folded = n < 0 ? -1 : fold_lines(l, lines, n);
    free(lines);
    if (folded != 0)
        return ms_fail(MS_ERR_RUN, "out of memory reading ledger '%s'", l->path);
    return MS_OK;
}

/* A POSIX record lock (it works over NFS, and the system drops it if the process dies). */
static int lock_folder(const char *dir, int *fd_out)
{
    char path[4200], holder[256] = "";
    snprintf(path, sizeof path, "%s/ledger.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0666);
    if (fd < 0)
        return ms_fail(MS_ERR_RUN, "cannot open '%s': %s", path, strerror(errno));
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        ssize_t n = read(fd, holder, sizeof holder - 1);
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        close(fd);
        return ms_fail(MS_ERR_INPUT, "output folder '%s' is in use by another sweep (%s); wait for it to end "
                                     "or choose another --out", dir, holder[0] ? holder : "unknown process");
    }
    char me[320], host[256] = "";
    gethostname(host, sizeof host - 1);
    int n = snprintf(me, sizeof me, "pid %d on %s\n", (int)getpid(), host);
    if (ftruncate(fd, 0) != 0 || write(fd, me, (size_t)n) != n)
        n = -1; /* the note is for people; the lock is what counts */
    *fd_out = fd;
    return MS_OK;
}

int ledger_open(ledger_t *l, const char *dir)
{
    if (sweep_make_dirs(dir) != 0)
        return ms_fail(MS_ERR_RUN, "cannot create output folder '%s': %s", dir, strerror(errno));
    int lock_fd = -1, rc = lock_folder(dir, &lock_fd);
    rc = rc ? rc : ledger_read(l, dir);
    l->lock_fd = lock_fd;
    if (rc)
        return rc;
    bool fresh = access(l->path, F_OK) != 0;
    l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT, 0666);
    if (l->fd < 0)
        return ms_fail(MS_ERR_RUN, "cannot open ledger '%s' for appending: %s", l->path, strerror(errno));
    if (fresh) {
        const char *header = "# key\tstatus\treason\trank\thost\tstart\tend\tattempt\tvariant\ttask\tsetting\tlr\twd\tseed\n";
        if (write(l->fd, header, strlen(header)) < 0)
            return ms_fail(MS_ERR_RUN, "cannot write ledger '%s': %s", l->path, strerror(errno));
    }
    return MS_OK;
}

const ledger_entry_t *ledger_find(const ledger_t *l, const char *key)
{
    ledger_entry_t probe;
    snprintf(probe.key, sizeof probe.key, "%s", key);
    return l->n_entries ? bsearch(&probe, l->entries, (size_t)l->n_entries, sizeof probe, by_key) : NULL;
}

static void iso_time(double t, char out[32])
{
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ledger_append(ledger_t *l, const ledger_record_t *r)
{
    if (l->fd < 0)
        return ms_fail(MS_ERR_RUN, "ledger '%s' is open read-only", l->path);
    char reason[256], start[32], end[32], line[2048];
    snprintf(reason, sizeof reason, "%s", r->reason && r->reason[0] ? r->reason : "-");
    for (char *p = reason; *p; p++) /* one field, one line */
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
    iso_time(r->start, start);
    iso_time(r->end, end);
    const run_config_t *c = &r->cell->cfg;
    int n = snprintf(line, sizeof line, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%g\t%g\t%llu\n", r->cell->key,
                     cell_status_name(r->status), reason, r->rank, r->host, start, end, r->attempt,
                     c->variant->name, c->setting.task->name, r->cell->setting, c->lr, c->weight_decay,
                     (unsigned long long)c->seed);
    if (n <= 0 || (size_t)n >= sizeof line || write(l->fd, line, (size_t)n) != n || fsync(l->fd) != 0)
        return ms_fail(MS_ERR_RUN, "cannot append to ledger '%s': %s (check free space)", l->path, strerror(errno));
    return MS_OK;
}

void ledger_close(ledger_t *l)
{
    if (l->fd >= 0)
        close(l->fd);
    if (l->lock_fd >= 0)
        close(l->lock_fd); /* releases the lock */
    free(l->entries);
    l->entries = NULL;
    l->fd = -1;
}
