add_test(NAME cli.commands
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_commands.sh ${CMAKE_BINARY_DIR}/madsweep
                 ${CMAKE_BINARY_DIR}/tests/cli-tmp)
