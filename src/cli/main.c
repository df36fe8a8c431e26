/* madsweep: the only place where a status becomes an exit code. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "madsweep/error.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} commands[] = {
    {"train", cmd_train,
     "train --variant V --task T [--set k=v ...] [--seed N] [--lr X] [--wd Y] [--epochs E] --out RUN.h5"},
    {"data", cmd_data, "data --task T [--set k=v ...] --split train|test --count N --out DATA.h5"},
    {"probe", cmd_probe, "probe --variant V --task T [--set k=v ...] --seed N --batch B --out PROBE.h5"},
    {"sweep", cmd_sweep,
     "sweep SWEEP.json [--out DIR] [--dry-run] [--retry-failed] [--max-attempts K] [--cell-timeout SECONDS]\n"
     "           (under mpirun: rank 0 dispatches cells to the other ranks)"},
    {"report", cmd_report, "report DIR [--reference CSV] [--metric mad|token]"},
    {"list", cmd_list, "list variants|tasks"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: madsweep COMMAND [options]\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  madsweep %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? MS_ERR_INPUT : MS_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        ms_error_clear();
        int status = commands[i].run(argc, argv);
        if (status != MS_OK && ms_error_message()[0])
            fprintf(stderr, "madsweep %s: %s\n", commands[i].name, ms_error_message());
        if (status == MS_ERR_INPUT)
            fprintf(stderr, "usage: madsweep %s\n", commands[i].usage);
        return status;
    }
    fprintf(stderr, "madsweep: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return MS_ERR_INPUT;
}
