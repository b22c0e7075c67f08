# Sourced by the scripts: MPI settings for running as root and with more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# One MPI rank per core: keep BLAS and OpenMP from oversubscribing the cores.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
