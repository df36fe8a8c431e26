#include "madsweep/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char error_message[1024];
static _Thread_local char error_where[256];

int ms_fail_at(const char *file, int line, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error_message, sizeof error_message, fmt, ap);
    va_end(ap);
    snprintf(error_where, sizeof error_where, "%s:%d", file, line);
    return status;
}

const char *ms_error_message(void) { return error_message; }
const char *ms_error_where(void) { return error_where; }

void ms_error_clear(void)
{
    error_message[0] = '\0';
    error_where[0] = '\0';
}
