/* Writes a small run log with known contents for check_runlog_h5py.py: 2 epochs of 3 steps,
 * a nested config, a provenance entry and final metrics. Usage: write_sample_runlog OUT.h5 */
#include "madsweep/error.h"
#include "madsweep/runlog.h"

#include <stdio.h>

static const char *const CONFIG =
    "{\"variant\":\"hyena\",\"lr\":0.001,\"seed\":7,\"use_bias\":true,\"layers\":[2,4],"
    "\"setting\":{\"vocab_size\":16,\"noise\":0.25}}";

static int sample_write(const char *path)
{
    runlog_t *log = NULL;
    int rc = runlog_open(&log, path, CONFIG);
    if (!rc)
        rc = runlog_provenance(log, "rank", "0");
    for (int32_t epoch = 0; !rc && epoch < 2; epoch++) {
        for (int k = 1; !rc && k <= 3; k++) {
            step_row_t step = {3 * epoch + k, epoch, 1.0f / (float)(3 * epoch + k), 0.5f};
            rc = runlog_append_step(log, &step);
        }
        epoch_row_t row = {
            epoch,        2.0 - epoch, 1.5 - epoch, 4.0 / (epoch + 1), 0.5 + 0.25 * epoch,
            0.25 * epoch, 0.125};
        if (!rc)
            rc = runlog_append_epoch(log, &row);
        if (!rc)
            rc = runlog_flush(log);
    }
    final_metrics_t final = {1, 0.5, 2.0, 0.75, 0.25, 0.75, 0.25, 2, "epochs", 0.25};
    if (!rc)
        rc = runlog_finish(log, &final);
    int close_rc = runlog_close(log);
    return rc ? rc : close_rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.h5\n", argv[0]);
        return MS_ERR_INPUT;
    }
    int rc = sample_write(argv[1]);
    if (rc)
        fprintf(stderr, "write_sample_runlog: %s (%s)\n", ms_error_message(), ms_error_where());
    return rc;
}
