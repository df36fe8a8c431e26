# madsweep report end to end (tiny sweep, stop, resume, h5py, pictures, plotting unavailable);
# skipped (77) when /usr/bin/python3 has no h5py.
add_test(NAME report.command
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_report_command.sh ${CMAKE_BINARY_DIR}/madsweep
                 ${CMAKE_BINARY_DIR}/tests/report-tmp)
set_tests_properties(report.command PROPERTIES SKIP_RETURN_CODE 77 RESOURCE_LOCK mpi TIMEOUT 300)
