# The Slurm scripts (slurm/) against a real single-node cluster on localhost: each test starts its
# own slurmctld, slurmd and munged through with_cluster.sh and stops them after (needs root and
# Debian's slurm-wlm and munge; skipped, exit 77, when not root).
set(SLURM_TMP ${CMAKE_BINARY_DIR}/tests/slurm-tmp)
set(WITH_CLUSTER ${CMAKE_CURRENT_LIST_DIR}/with_cluster.sh)
foreach(name smoke mpirun stop_requeue chain time_limit failed_cells)
  set(args ${CMAKE_BINARY_DIR}/madsweep ${SLURM_TMP}/${name})
  if(name MATCHES "^(mpirun|stop_requeue|chain)$")
    list(APPEND args ${SLURM_TMP}/smoke/out) # the uninterrupted srun job is the reference
  endif()
  add_test(NAME slurm.${name}
           COMMAND ${WITH_CLUSTER} ${SLURM_TMP}/${name}-cluster-logs ${CMAKE_CURRENT_LIST_DIR}/test_${name}.sh ${args})
  set_tests_properties(slurm.${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 RESOURCE_LOCK mpi)
endforeach()
set_tests_properties(slurm.smoke PROPERTIES FIXTURES_SETUP slurm_reference)
set_tests_properties(slurm.mpirun slurm.stop_requeue slurm.chain PROPERTIES FIXTURES_REQUIRED slurm_reference)
