/* Errors: a function that can fail returns an int status and records one message here.
 * The message names the file, JSON path or cell and says what to do; only main turns the
 * status into an exit code. The record is thread-local, like errno: the one piece of
 * process-wide mutable state outside the CLI. */
#ifndef MADSWEEP_ERROR_H
#define MADSWEEP_ERROR_H

enum {
    MS_OK = 0,
    MS_ERR_RUN = 1,   /* the work failed: I/O, out of memory, a failed cell */
    MS_ERR_INPUT = 2, /* the user's input is wrong: fix it and rerun */
};

/* Records "message" (printf-style) with the source location; returns status, so that
 * `return ms_fail(MS_ERR_INPUT, "...")` reads as one statement. */
int ms_fail_at(const char *file, int line, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define ms_fail(status, ...) ms_fail_at(__FILE__, __LINE__, (status), __VA_ARGS__)

const char *ms_error_message(void);  /* "" when nothing failed */
const char *ms_error_where(void);    /* "src/x.c:12" of the last failure */
void ms_error_clear(void);

#endif
