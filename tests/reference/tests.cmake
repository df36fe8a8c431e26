# The PyTorch reference (tests/reference/README.md). Included from tests/CMakeLists.txt.
# Debian's python3-torch, python3-h5py and python3-numpy live under /usr/bin/python3, not a pyenv shim.
set(MADSWEEP_REFERENCE_PYTHON /usr/bin/python3)
if(TARGET madsweep)
  set(MADSWEEP_REFERENCE_PROGRAM $<TARGET_FILE:madsweep>)
else()
  set(MADSWEEP_REFERENCE_PROGRAM ${CMAKE_BINARY_DIR}/madsweep)
endif()

# The torch model against itself: chunk forms vs token recurrences, padding, gradcheck of every loop, and
# check_probe.py against its own fixtures (passes) and corrupted ones (fails). About 10 s.
add_test(NAME reference.self_test
         COMMAND ${MADSWEEP_REFERENCE_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/self_test.py)

# Every variant the C program lists, probed by `madsweep probe` and compared with the torch model in float64:
# loss, logits and every parameter gradient.
add_test(NAME reference.probe_vs_torch
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_probe_checks.sh ${MADSWEEP_REFERENCE_PROGRAM}
                 ${CMAKE_CURRENT_BINARY_DIR}/reference-probes)

set_tests_properties(reference.self_test reference.probe_vs_torch PROPERTIES
                     TIMEOUT 300
                     ENVIRONMENT "OMP_NUM_THREADS=2;OPENBLAS_NUM_THREADS=1")
