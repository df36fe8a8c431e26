"""Checks that h5py reads a run log the way docs/formats.md says: the tables as named columns,
the config as JSON and as typed attributes, provenance and final metrics as attributes.
Reads the file that tests/io/write_sample_runlog.c writes. Usage: check_runlog_h5py.py RUN.h5
Exit status 0 on success, 1 on a failed check, 77 (ctest: skipped) when h5py is missing."""
import json
import numbers
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

STEP_COLUMNS = ("step", "epoch", "loss", "lr")
EPOCH_COLUMNS = ("epoch", "train_loss", "test_loss", "test_perplexity", "token_accuracy",
                 "mad_accuracy", "seconds")


def check(path):
    with h5py.File(path, "r") as f:
        steps, epochs = f["steps"], f["epochs"]
        assert steps.dtype.names == STEP_COLUMNS, steps.dtype.names
        assert epochs.dtype.names == EPOCH_COLUMNS, epochs.dtype.names
        assert steps.maxshape == (None,) and epochs.maxshape == (None,)
        assert steps.dtype["step"] == np.int64 and steps.dtype["epoch"] == np.int32
        assert steps.dtype["loss"] == np.float32 and epochs.dtype["mad_accuracy"] == np.float64

        assert list(steps["step"]) == [1, 2, 3, 4, 5, 6]
        assert list(steps["epoch"]) == [0, 0, 0, 1, 1, 1]
        assert np.allclose(steps["loss"], [1 / k for k in range(1, 7)])
        assert list(epochs["epoch"]) == [0, 1]
        assert list(epochs["train_loss"]) == [2.0, 1.0]
        assert list(epochs["test_perplexity"]) == [4.0, 2.0]
        assert list(epochs["mad_accuracy"]) == [0.0, 0.25]
        assert list(epochs["seconds"]) == [0.125, 0.125]

        config = f["config"]
        text = config.asstr()[()]
        assert json.loads(text)["setting"] == {"vocab_size": 16, "noise": 0.25}
        expected = {"variant": "hyena", "lr": 0.001, "seed": 7, "use_bias": 1,
                    "layers": "[2,4]", "setting.vocab_size": 16, "setting.noise": 0.25}
        assert set(config.attrs) == set(expected), sorted(config.attrs)
        for key, want in expected.items():
            got = config.attrs[key]
            # h5py gives numpy scalars: np.int64 registers as numbers.Integral, np.float64
            # subclasses float.
            if isinstance(want, str):
                assert isinstance(got, str), (key, type(got))
            elif isinstance(want, int):
                assert isinstance(got, numbers.Integral), (key, type(got))
            else:
                assert isinstance(got, float), (key, type(got))
            assert got == want, (key, got, want)

        prov = f["provenance"].attrs
        for key in ("program_version", "git_commit", "host", "start_time", "end_time", "rank"):
            assert isinstance(prov[key], str) and prov[key], key
        assert prov["start_time"].endswith("Z") and len(prov["start_time"]) == 20

        final = f["final"].attrs
        assert final["stop_reason"] == "epochs"
        assert isinstance(final["best_epoch"], numbers.Integral) and final["best_epoch"] == 1
        assert isinstance(final["best_test_loss"], float) and final["best_test_loss"] == 0.5
        assert final["epochs_run"] == 2


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        check(sys.argv[1])
    except AssertionError as e:
        print(f"check_runlog_h5py: {sys.argv[1]}: failed: {e!r}")
        raise
    print(f"check_runlog_h5py: {sys.argv[1]}: ok")
