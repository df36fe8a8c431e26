/* A sweep folder with known accuracies for the report's tests (tests/unit/test_report.c has the
 * table and the arithmetic). */
#ifndef MADSWEEP_TEST_REPORT_FIXTURE_H
#define MADSWEEP_TEST_REPORT_FIXTURE_H

#include <stdbool.h>

#include "madsweep/sweep.h"

/* The sweep: three variants x {context_recall seq_len 32 and 64, memorize} x lr {1e-4, 1e-3} x
 * seeds {1, 2}. */
extern const char *const REPORT_FIXTURE_SWEEP;

/* A fresh folder under /tmp (a static buffer): the run files of the table, a ledger, decoy
 * .part/.ckpt files, and sweep.json when with_sweep_json; drop_a64_seed2 leaves out
 * delta_net_4layer's context_recall seq_len 64 seed 2 runs. */
char *report_fixture_create(bool with_sweep_json, bool drop_a64_seed2);
void report_fixture_remove(const char *dir);
/* The whole text of DIR/name (malloc'd), or NULL when it does not exist. */
char *report_fixture_slurp(const char *dir, const char *name);
/* The key (file name) of one cell of the sweep; seq_len 0 matches any. */
const char *report_fixture_key(const char *variant, const char *task, int seq_len, int seed, double lr);

#endif
