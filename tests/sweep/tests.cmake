# The sweep runner under mpirun (as root, --oversubscribe): see each script's header.
set(SWEEP_TMP ${CMAKE_BINARY_DIR}/tests/sweep-tmp)
add_test(NAME sweep.bad_files COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_bad_sweep_files.sh ${CMAKE_BINARY_DIR}/madsweep ${SWEEP_TMP}/bad)
add_test(NAME sweep.determinism COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_determinism.sh ${CMAKE_BINARY_DIR}/madsweep ${SWEEP_TMP}/determinism)
add_test(NAME sweep.kill_resume COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_kill_resume.sh ${CMAKE_BINARY_DIR}/madsweep ${SWEEP_TMP}/kill ${SWEEP_TMP}/determinism/ranks1)
add_test(NAME sweep.graceful_stop COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_graceful_stop.sh ${CMAKE_BINARY_DIR}/madsweep ${SWEEP_TMP}/stop ${SWEEP_TMP}/determinism/ranks1)
add_test(NAME sweep.failing_cells COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_failing_cells.sh ${CMAKE_BINARY_DIR}/madsweep ${SWEEP_TMP}/failing)
# the determinism run is the reference of the interrupted ones; MPI jobs run one at a time
set_tests_properties(sweep.determinism PROPERTIES FIXTURES_SETUP smoke_reference RESOURCE_LOCK mpi)
set_tests_properties(sweep.kill_resume sweep.graceful_stop PROPERTIES FIXTURES_REQUIRED smoke_reference RESOURCE_LOCK mpi)
set_tests_properties(sweep.failing_cells PROPERTIES RESOURCE_LOCK mpi)
