#!/usr/bin/python3
"""A stand-in for the C program's `list` and `probe` commands, backed by make_probe_fixture.py.

It exists to test run_probe_checks.sh before `madsweep probe` exists:
    tests/reference/run_probe_checks.sh tests/reference/fake_madsweep.py /tmp/probes
FAKE_MADSWEEP_VARIANTS (comma-separated) limits the variants listed; FAKE_MADSWEEP_EMPTY=1 lists none;
FAKE_MADSWEEP_CORRUPT=<make_probe_fixture --corrupt value> corrupts every probe it writes.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import madsweep_torch as M  # noqa: E402
import make_probe_fixture  # noqa: E402


def main(argv):
    if argv[:2] == ["list", "variants"]:
        if os.environ.get("FAKE_MADSWEEP_EMPTY") == "1":
            print("# no variants")
            return 0
        names = os.environ.get("FAKE_MADSWEEP_VARIANTS")
        print("# variant  (fake_madsweep.py)")
        for n in (names.split(",") if names else M.VARIANT_NAMES):
            print(f"{n}  a description")
        return 0
    if argv[:2] == ["list", "tasks"]:
        print("\n".join(make_probe_fixture.BASELINE_SETTINGS))
        return 0
    if argv[:1] == ["probe"]:
        rest = argv[1:]
        corrupt = os.environ.get("FAKE_MADSWEEP_CORRUPT")
        if corrupt:
            rest += ["--corrupt", corrupt]
        return make_probe_fixture.main(rest)
    print(f"fake_madsweep: fail: unknown command {' '.join(argv)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
