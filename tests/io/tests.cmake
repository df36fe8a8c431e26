# Run-log format as other tools see it: a small C program writes a run log with known
# contents and h5py (system python) checks columns, values and attribute types.
add_executable(io_write_sample_runlog ${CMAKE_CURRENT_LIST_DIR}/write_sample_runlog.c)
target_link_libraries(io_write_sample_runlog PRIVATE madsweep_core)
add_test(NAME io.runlog_h5py
         COMMAND sh -c "\"$1\" \"$2\" && /usr/bin/python3 \"$3\" \"$2\""
                 sh $<TARGET_FILE:io_write_sample_runlog>
                 ${CMAKE_CURRENT_BINARY_DIR}/io_sample_runlog.h5
                 ${CMAKE_CURRENT_LIST_DIR}/check_runlog_h5py.py)
set_tests_properties(io.runlog_h5py PROPERTIES SKIP_RETURN_CODE 77)
