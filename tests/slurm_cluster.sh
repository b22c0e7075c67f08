# shellcheck shell=bash
# A private single-node SLURM cluster (munged, slurmctld, slurmd from Debian's munge and slurm-wlm) for
# testing job scripts for real. Sourced, not run:
#
#   source tests/slurm_cluster.sh
#   slurm_cluster_start WORKDIR     # exports SLURM_CONF; returns once the node is idle
#   sbatch --wait ...               # any SLURM client command now talks to this cluster
#   slurm_cluster_stop              # cancels its jobs, stops the three daemons by pid (idempotent)
#
# Everything lives under WORKDIR (config, state, spool, logs, pid files; munge in a /tmp directory) and the daemons
# listen on free ports chosen at start, so it neither touches /etc/slurm nor collides with another
# instance or a system SLURM. Needs root (slurmd runs jobs as their owner) and the user `munge` with its key
# /etc/munge/munge.key (both made by Debian's munge package). Daemons run in the foreground, so their pids
# are known exactly; nothing is stopped by name.

slurm_cluster_pids=()
slurm_cluster_dir=""

# Prints a message on stderr and returns 1.
slurm_cluster_fail() {
  echo "slurm_cluster: $*" >&2
  return 1
}

# Prints a TCP port that was free a moment ago.
slurm_cluster_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# slurm_cluster_start WORKDIR: starts munged, slurmctld and slurmd; waits (30 s at most) for the node to be
# idle. Returns 1 with a message (and the daemons' log tails) when a tool is missing or a daemon fails.
slurm_cluster_start() {
  local dir=$1 tool
  for tool in munged munge slurmctld slurmd sbatch sinfo squeue scancel setpriv python3; do
    command -v "$tool" >/dev/null ||
      slurm_cluster_fail "'$tool' not found: install slurm-wlm and munge (scripts/install-deps)" || return 1
  done
  [ "$(id -u)" -eq 0 ] || slurm_cluster_fail "needs root (slurmd starts jobs as their owner)" || return 1
  id munge >/dev/null 2>&1 || slurm_cluster_fail "no user 'munge' (install munge)" || return 1
  [ -r /etc/munge/munge.key ] || slurm_cluster_fail "no /etc/munge/munge.key (install munge)" || return 1

  rm -rf "$dir"
  mkdir -p "$dir"/{state,spool,log,run}
  dir=$(cd "$dir" && pwd)
  slurm_cluster_dir=$dir
  # munged runs as munge and wants its socket directory writable by it alone and searchable by all. The
  # work directory may sit below a directory munge cannot enter (a mktemp -d of root's), so the munge
  # directory is a fresh one in /tmp.
  slurm_cluster_munge=$(mktemp -d /tmp/pigx-munge.XXXXXX)
  chown munge:munge "$slurm_cluster_munge"
  chmod 0755 "$slurm_cluster_munge"

  local host cpus ctld_port slurmd_port
  host=$(hostname -s)
  # nproc obeys OMP_NUM_THREADS (scripts/env.sh sets 1); the node has the cores this process may use.
  cpus=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
  ctld_port=$(slurm_cluster_free_port)
  slurmd_port=$(slurm_cluster_free_port)
  while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(slurm_cluster_free_port); done
  # The minimal configuration of docs (toolchain.md), with every path private; root runs slurmctld so
  # that no file needs another owner; 127.0.0.1 so that no name lookup is needed.
  cat >"$dir/slurm.conf" <<EOF
ClusterName=pigxtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$slurm_cluster_munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
EnforcePartLimits=ALL
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$dir/slurm.conf
  # The daemons start from a clean environment, the same whoever calls this.
  local clean=(env -i "PATH=$PATH" "SLURM_CONF=$SLURM_CONF")

  "${clean[@]}" setpriv --reuid=munge --regid=munge --init-groups \
    munged --foreground --socket="$slurm_cluster_munge/munge.socket" --pid-file="$slurm_cluster_munge/munged.pid" \
    --log-file="$slurm_cluster_munge/munged.log" --seed-file="$slurm_cluster_munge/munged.seed" >"$dir/log/munged.out" 2>&1 &
  slurm_cluster_pids+=($!)
  local i
  for i in $(seq 50); do
    [ -S "$slurm_cluster_munge/munge.socket" ] && break
    sleep 0.2
  done
  munge --socket="$slurm_cluster_munge/munge.socket" -n </dev/null >/dev/null 2>&1 ||
    slurm_cluster_fail "munged did not start: $(tail -n 5 "$dir/log/munged.out" "$slurm_cluster_munge/munged.log" 2>&1)" ||
    return 1

  "${clean[@]}" slurmctld -D -f "$dir/slurm.conf" >"$dir/log/slurmctld.out" 2>&1 &
  slurm_cluster_pids+=($!)
  "${clean[@]}" slurmd -D -f "$dir/slurm.conf" >"$dir/log/slurmd.out" 2>&1 &
  slurm_cluster_pids+=($!)

  local state=""
  for i in $(seq 150); do
    state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
    [ "$state" = "idle" ] && return 0
    sleep 0.2
  done
  slurm_cluster_fail "node $host not idle after 30 s (state '$state'); logs:
$(tail -n 20 "$dir"/log/*.log "$dir"/log/*.out 2>&1)"
}

# True while process $1 runs (a zombie, which only waits to be reaped, does not count).
slurm_cluster_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# slurm_cluster_stop: cancels the cluster's jobs, stops its daemons by pid (SIGTERM, then SIGKILL after
# 10 s), then any job process still running with this cluster's configuration (slurmstepd detaches from
# slurmd; its tasks carry SLURM_JOB_ID). Idempotent.
slurm_cluster_stop() {
  [ -n "$slurm_cluster_dir" ] || return 0
  local pid i alive
  if [ ${#slurm_cluster_pids[@]} -gt 0 ]; then
    scancel --full --quiet --user="$(id -un)" >/dev/null 2>&1 || true
    for i in $(seq 25); do
      [ -z "$(squeue -h 2>/dev/null || true)" ] && break
      sleep 0.2
    done
    # reverse order: slurmd, slurmctld, munged
    for ((i = ${#slurm_cluster_pids[@]} - 1; i >= 0; --i)); do
      kill -TERM "${slurm_cluster_pids[i]}" 2>/dev/null || true
    done
    for i in $(seq 50); do
      alive=0
      for pid in "${slurm_cluster_pids[@]}"; do slurm_cluster_alive "$pid" && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.2
    done
    for pid in "${slurm_cluster_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${slurm_cluster_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  fi
  local conf="SLURM_CONF=$slurm_cluster_dir/slurm.conf" env
  for env in /proc/[0-9]*/environ; do
    pid=${env#/proc/}
    pid=${pid%/environ}
    tr '\0' '\n' 2>/dev/null <"$env" | grep -qx "$conf" || continue
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = slurmstepd ] ||
      tr '\0' '\n' 2>/dev/null <"$env" | grep -q '^SLURM_JOB_ID='; then
      echo "slurm_cluster: killing leftover job process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  slurm_cluster_pids=()
  [ -n "${slurm_cluster_munge:-}" ] && rm -rf "$slurm_cluster_munge"
  slurm_cluster_munge=""
  slurm_cluster_dir=""
}
