/* The ledger: the memory of a sweep. One line per outcome, appended by rank 0 only, tab
 * separated and human-readable (docs/formats.md):
 *   key status reason rank host start end attempt variant task setting lr wd seed
 * status is ok, failed, timeout or stopped. Enough on its own to resume: the last line of a key
 * says where it stands. A torn last line (a job killed mid-write) is skipped when read. */
#ifndef MADSWEEP_LEDGER_H
#define MADSWEEP_LEDGER_H

#include <stdio.h>

#include "madsweep/sweep.h"

typedef enum cell_status {
    CELL_TODO, /* no outcome yet */
    CELL_OK,
    CELL_FAILED,
    CELL_TIMEOUT,
    CELL_STOPPED,
} cell_status_t;

const char *cell_status_name(cell_status_t s);

/* What the ledger knows of one key. */
typedef struct ledger_entry {
    char key[CELL_KEY_LEN + 1];
    cell_status_t last;  /* the status of its last line */
    int attempts;        /* lines with status other than stopped (a stop is not an attempt's end) */
    int oks;             /* lines with status ok: at most one, by construction */
    char reason[128];    /* of the last line */
} ledger_entry_t;

typedef struct ledger {
    char path[4096];
    int fd;                  /* open for appending */
    int lock_fd;             /* DIR/ledger.lock, locked while the ledger is open for appending */
    ledger_entry_t *entries; /* sorted by key */
    int n_entries;
    int skipped_lines;       /* torn or unreadable lines found when reading */
} ledger_t;

/* One outcome to append. */
typedef struct ledger_record {
    const cell_t *cell;
    cell_status_t status;
    const char *reason;
    int rank;
    const char *host;
    double start, end; /* Unix seconds */
    int attempt;
} ledger_record_t;

/* Reads DIR/ledger.tsv if it exists and opens it for appending (creating it and DIR). The
 * ledger has one writer: a second sweep on the same folder is refused (MS_ERR_INPUT) while the
 * first holds DIR/ledger.lock. */
int ledger_open(ledger_t *l, const char *dir);
/* Only reads it (a dry run): nothing is created, and appends are refused. */
int ledger_read(ledger_t *l, const char *dir);
/* NULL when the key has no line. */
const ledger_entry_t *ledger_find(const ledger_t *l, const char *key);
/* Appends one line with a single write and syncs it to disk. */
int ledger_append(ledger_t *l, const ledger_record_t *r);
void ledger_close(ledger_t *l);

#endif
