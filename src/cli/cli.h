/* The command line: one file per subcommand, sharing option parsing and run setup. */
#ifndef MADSWEEP_CLI_H
#define MADSWEEP_CLI_H

#include <stdbool.h>

#include "madsweep/train.h"

enum { CLI_MAX_SETS = 64 };

/* Every option any subcommand takes, as given on the command line (NULL when absent). */
typedef struct cli_options {
    const char *variant, *task, *out, *split, *seed, *lr, *wd, *epochs, *count, *batch;
    const char *max_attempts, *cell_timeout, *reference, *metric;
    bool dry_run, retry_failed; /* flags: no value */
    const char *sets[CLI_MAX_SETS]; /* "key=value" */
    int n_sets;
    const char *positional[4];
    int n_positional;
} cli_options_t;

/* Parses argv[first..] accepting only the comma-separated long options in `accepted`
 * ("variant,task,set,out"; a name ending in '!' is a flag without a value, "dry-run!");
 * errors name the option and list the accepted ones. */
int cli_parse(int argc, char **argv, int first, const char *command, const char *accepted,
              cli_options_t *o);
/* Strict numbers: the whole text must parse and lie in [lo, hi]. */
int cli_int(const char *text, const char *option, long long lo, long long hi, long long *out);
int cli_double(const char *text, const char *option, double lo, double hi, double *out);

/* The run config the options describe: --variant, --task, every --set (task keys first, then
 * the variant's constants), --seed, --lr, --wd, --epochs. Validated. */
int cli_run_config(const cli_options_t *o, run_config_t *cfg);
/* Creates the parent folder of path if needed and checks that path can be written, before any
 * work starts. */
int cli_check_writable(const char *path);

int cmd_train(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* The report of a finished (or stopped) sweep; a failure is a warning, and the sweep's own error
 * message is kept. */
void cli_report_after_sweep(const char *dir);

#endif
