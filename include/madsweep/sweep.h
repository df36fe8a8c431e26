/* Sweeps: a sweep file (docs/sweep-format.md) expands into cells, one run each. A cell's key is
 * a hash of its canonical resolved config, so reordering the file or adding to it never changes
 * the keys of cells that already exist. */
#ifndef MADSWEEP_SWEEP_H
#define MADSWEEP_SWEEP_H

#include <stddef.h>

#include "madsweep/train.h"

enum { CELL_KEY_LEN = 16, SETTING_LABEL_MAX = 160 };

typedef struct cell {
    run_config_t cfg;
    char key[CELL_KEY_LEN + 1];          /* 16 hex digits */
    char setting[SETTING_LABEL_MAX];     /* "baseline" or the overrides: "seq_len=256" */
    double cost;                         /* relative expected run time (cell_cost) */
} cell_t;

typedef struct sweep {
    char name[128];
    char out_dir[2048];   /* from the file's "out"; --out overrides */
    cell_t *cells;        /* longest expected first */
    int n_cells;
} sweep_t;

/* Reads and expands a sweep file. Errors (MS_ERR_INPUT) name the file and the JSON path, as in
 * "smoke.json: tasks[2].settings[0].vocab_size: expected a positive integer". */
int sweep_load(const char *path, sweep_t *s);
/* The same in two halves, so that rank 0 reads the file and every rank parses the same text. */
int sweep_read_text(const char *path, char **text);
int sweep_parse(const char *path, const char *text, sweep_t *s);
void sweep_free(sweep_t *s);

/* 16 hex digits of a 64-bit FNV-1a hash of the canonical config JSON. */
void cell_key(const run_config_t *cfg, char out[CELL_KEY_LEN + 1]);
/* Expected cost: epochs x (training + test sequences) x length x FLOPs per token, in GFLOP. It
 * only orders the queue (longest first) and estimates the time left; early stopping makes real
 * runs shorter. */
double cell_cost(const run_config_t *cfg);
/* mkdir -p; 0 or -1 with errno set. */
int sweep_make_dirs(const char *dir);
/* DIR/runs/<variant>/<task>/<key>.h5 */
int cell_run_path(const char *dir, const cell_t *c, char *buf, size_t len);

#endif
