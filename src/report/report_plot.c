/* The pictures: scripts/plot_report.py, embedded in the binary at build time so that it is found
 * wherever the binary goes, run by python3 with matplotlib and h5py. It reads summary.h5 and
 * the chosen runs' /epochs tables. Plotting is a convenience: when python, matplotlib or the
 * script fails, the report keeps its tables and says so in one line.
 *   MADSWEEP_PYTHON       the interpreter (default /usr/bin/python3 when present, else python3)
 *   MADSWEEP_PLOT_SCRIPT  a script file to run instead of the embedded copy (development) */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_internal.h"

extern char **environ;

static bool is_picture(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, "summary_", 8) == 0 && n > 4 && strcmp(name + n - 4, ".png") == 0;
}

/* Removes (remove true) or counts the summary_*.png in DIR: old pictures must not outlive a
 * report whose plotting failed. */
static int pictures_sweep(const char *dir, bool remove_them)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (!is_picture(e->d_name))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        n += remove_them ? remove(path) == 0 : 1;
    }
    if (d)
        closedir(d);
    return n;
}

static const char *python_path(void)
{
    const char *env = getenv("MADSWEEP_PYTHON");
    if (env && *env)
        return env;
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

/* The last non-empty line of the log: the script's one-line reason, or a traceback's last line. */
static void last_line(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    out[0] = '\0';
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            snprintf(out, len, "%.300s", line);
    }
    if (f)
        fclose(f);
}

/* Runs python with stdout and stderr into log; returns the exit status, or -errno when it could
 * not start. */
static int python_run(char *const argv[], const char *log)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err)
        return -err;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (WIFEXITED(status))
        return WEXITSTATUS(status) == 127 ? -ENOENT : WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void report_plot(report_t *r)
{
    const char *dir = r->opt->dir, *python = python_path(), *script = getenv("MADSWEEP_PLOT_SCRIPT");
    char log[4200], why[512];
    snprintf(log, sizeof log, "%s/summary_plots.log", dir);
    pictures_sweep(dir, true);
    char *argv[] = {(char *)python, "-c", (char *)report_plot_script, (char *)dir, NULL};
    if (script && *script) {
        argv[1] = (char *)script;
        argv[2] = (char *)dir;
        argv[3] = NULL;
    }
    int status = python_run(argv, log);
    struct stat st;
    if (status == 0) {
        r->result->n_pictures = pictures_sweep(dir, false);
        if (stat(log, &st) == 0 && st.st_size == 0)
            remove(log);
        return;
    }
    if (status < 0) {
        report_warn(r, "no pictures: cannot run '%s' (%s); set MADSWEEP_PYTHON to a python3 with matplotlib and h5py",
                    python, strerror(-status));
        remove(log);
        return;
    }
    last_line(log, why, sizeof why);
    if (!why[0])
        remove(log); /* nothing said: no log to point at */
    report_warn(r, "no pictures: %s exited with status %d%s%s%s%s%s", python, status, why[0] ? ": " : "", why,
                why[0] ? " (its output: " : "", why[0] ? log : "", why[0] ? ")" : "");
}
