# shellcheck shell=bash
# Shared by strong_scaling.sbatch and weak_scaling.sbatch (sourced from the repository root inside a job).
# Runs one srun step per rank count into <study>/ranks-<k>/ and collects the study with scripts/collect-scaling.

# Cores SLURM gave the job: the sum over SLURM_JOB_CPUS_PER_NODE ("2(x3),1" is 2+2+2+1).
scaling_cores() {
  local total=0 part count reps
  local IFS=,
  for part in ${SLURM_JOB_CPUS_PER_NODE:-$(nproc)}; do
    count=${part%%(*}
    reps=1
    if [[ $part == *"(x"* ]]; then
      reps=${part#*(x}
      reps=${reps%)}
    fi
    total=$((total + count * reps))
  done
  echo "$total"
}

# Rank counts 1, 2, 4, ... up to $1; with "all" as $2, also $1 itself when it is not a power of two.
scaling_ranks() {
  local n=$1 k=1 list=()
  while [ $k -le "$n" ]; do
    list+=("$k")
    k=$((k * 2))
  done
  [ "${2:-}" = all ] && [ "${list[-1]}" -ne "$n" ] && list+=("$n")
  echo "${list[@]}"
}

# scaling_step K DIR SOLVE CONFIG ARGS...: one pigx-solve run on K ranks into DIR (log DIR/pigx.log, step
# facts DIR/slurm-step.json). Ranks beyond the job's cores run with srun --overcommit, flagged in
# slurm-step.json (read by collect-scaling) and in PIGX_OVERSUBSCRIBED=1 for the run. Returns srun's status.
scaling_step() {
  local k=$1 dir=$2 solve=$3 cores over=false
  shift 3
  cores=$(scaling_cores)
  local srun_args=(--mpi=pmix -n "$k")
  if [ "$k" -gt "$cores" ]; then
    over=true
    srun_args+=(--overcommit)
  fi
  mkdir -p "$dir"
  printf '{"job_id": "%s", "ranks": %d, "job_cores": %d, "oversubscribed": %s}\n' \
    "${SLURM_JOB_ID:-}" "$k" "$cores" "$over" >"$dir/slurm-step.json"
  echo "scaling: ranks $k (job cores $cores, oversubscribed $over) -> $dir"
  local rc=0
  PIGX_OVERSUBSCRIBED=$([ $over = true ] && echo 1 || echo 0) \
    srun "${srun_args[@]}" "$solve" "$@" --output.dir="$dir" >"$dir/pigx.log" 2>&1 || rc=$?
  [ $rc -eq 0 ] || echo "scaling: ranks $k FAILED (status $rc); see $dir/pigx.log" >&2
  return $rc
}

# scaling_collect KIND STUDY DIR...: the table and plot STUDY/scaling.{csv,md,png} from the given run
# directories (the successful ones).
scaling_collect() {
  local kind=$1 study=$2
  shift 2
  if [ $# -eq 0 ]; then
    echo "scaling: no run succeeded, nothing to collect" >&2
    return 1
  fi
  scripts/collect-scaling "$@" --kind "$kind" --out "$study/scaling"
}
