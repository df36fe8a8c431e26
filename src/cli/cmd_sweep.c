/* madsweep sweep: run a sweep file on every rank of the MPI job (or alone). Rank 0 reads the
 * file and every rank parses the same text, so all agree on the cells. SIGUSR1 and SIGTERM ask
 * for a graceful stop: the flag below is the process's only mutable global. */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "madsweep/error.h"
#include "madsweep/runner.h"

static volatile sig_atomic_t stop_requested = 0;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int parse_options(int argc, char **argv, cli_options_t *o, runner_options_t *ro)
{
    int rc = cli_parse(argc, argv, 2, "sweep", "out,dry-run!,retry-failed!,max-attempts,cell-timeout", o);
    if (rc)
        return rc;
    if (o->n_positional != 1)
        return ms_fail(MS_ERR_INPUT, "expected one sweep file");
    long long k = 0;
    if (o->max_attempts && (rc = cli_int(o->max_attempts, "max-attempts", 1, 1000000, &k)))
        return rc;
    ro->max_attempts = (int)k;
    if (o->cell_timeout && (rc = cli_double(o->cell_timeout, "cell-timeout", 1e-3, 1e300, &ro->cell_timeout)))
        return rc;
    ro->retry_failed = o->retry_failed;
    return MS_OK;
}

/* Rank 0 reads; everyone gets the text (or learns that there is none). */
static int share_sweep_text(const char *path, int rank, char **text)
{
    long long len = -1;
    int rc = MS_OK;
    if (rank == 0 && (rc = sweep_read_text(path, text)) == MS_OK)
        len = (long long)strlen(*text);
    MPI_Bcast(&len, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    if (len < 0)
        return rank == 0 ? rc : MS_ERR_INPUT;
    if (rank != 0 && !(*text = malloc((size_t)len + 1)))
        return ms_fail(MS_ERR_RUN, "out of memory");
    MPI_Bcast(*text, (int)len + 1, MPI_CHAR, 0, MPI_COMM_WORLD);
    return MS_OK;
}

int cmd_sweep(int argc, char **argv)
{
    cli_options_t o;
    runner_options_t ro = {.progress_every = 30.0, .stop = &stop_requested};
    int rc = parse_options(argc, argv, &o, &ro);
    if (rc)
        return rc;
    install_stop_handlers();
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &ro.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ro.size);
    gethostname(ro.host, sizeof ro.host);
    ro.host[sizeof ro.host - 1] = '\0';
    char *text = NULL, out_dir[2200];
    sweep_t s = {0};
    rc = share_sweep_text(o.positional[0], ro.rank, &text);
    rc = rc ? rc : sweep_parse(o.positional[0], text, &s);
    ro.sweep_text = text;
    if (rc == MS_OK) {
        snprintf(out_dir, sizeof out_dir, "%s", o.out ? o.out : s.out_dir[0] ? s.out_dir : "results");
        if (!o.out && !s.out_dir[0])
            snprintf(out_dir, sizeof out_dir, "results/%s", s.name);
        ro.out_dir = out_dir;
        if (o.dry_run)
            rc = ro.rank == 0 ? runner_dry_run(&ro, &s) : MS_OK;
        else
            rc = runner_run(&ro, &s);
        if (!o.dry_run && ro.rank == 0 && rc != MS_ERR_INPUT)
            cli_report_after_sweep(out_dir); /* also after a stop or failed cells */
    }
    sweep_free(&s);
    free(text);
    if (rc != MS_OK && ro.rank != 0)
        ms_error_clear(); /* rank 0 says it once */
    if (stop_requested && rc == MS_OK && ro.rank == 0)
        printf("madsweep: stopped on request; run the same command again to continue\n");
    MPI_Finalize();
    return rc;
}
