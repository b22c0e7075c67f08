#!/usr/bin/env bash
# ctest slurm_single_run: jobscripts/single_run.sbatch under a real single-node SLURM.
# Usage: tests/slurm_single_run.sh SOURCE_DIR BUILD_DIR WORK_DIR
#
# Starts a private munged, slurmctld and slurmd (tests/slurm_cluster.sh), submits the job script with
# `sbatch --wait` on a tiny Helmholtz run (2 ranks, a few seconds), checks the job's exit code and its
# summary.json (ranks 2, finite rel_l2 below 1), and stops the daemons by pid on every exit path. Fails,
# never skips, when SLURM or munge is missing. Its own deadlines (90 s for the job) stay below the ctest
# TIMEOUT so that the clean-up always runs.
set -euo pipefail
source_dir=$(cd "${1:?usage: slurm_single_run.sh SOURCE_DIR BUILD_DIR WORK_DIR}" && pwd)
build_dir=$(cd "${2:?usage: slurm_single_run.sh SOURCE_DIR BUILD_DIR WORK_DIR}" && pwd)
work=${3:?usage: slurm_single_run.sh SOURCE_DIR BUILD_DIR WORK_DIR}
mkdir -p "$work"
work=$(cd "$work" && pwd)

source "$source_dir/tests/slurm_cluster.sh"
trap slurm_cluster_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "slurm_single_run: FAIL: $*" >&2
  for f in "$work"/job-*.out; do
    [ -e "$f" ] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }
  done
  exit 1
}

slurm_cluster_start "$work/cluster" || fail "could not start SLURM"

out=$work/run
rm -rf "$out" "$work"/job-*.out
cd "$source_dir"
rc=0
deadline=90 # seconds
PIGX_BUILD_DIR=$build_dir timeout $deadline \
  sbatch --wait --quiet --time=2 --output="$work/job-%j.out" jobscripts/single_run.sbatch \
  examples/helmholtz2d.ini --model.gaussians=20 --sampling.residual=512 --sampling.boundary=128 \
  --train.stages=adam:20 --output.solution=false --output.progress_every=0 --output.dir="$out" || rc=$?
[ $rc -eq 124 ] && fail "job not finished after $deadline s"
[ $rc -eq 0 ] || fail "sbatch --wait returned $rc"

python3 - "$out/summary.json" <<'EOF' || fail "bad summary $out/summary.json"
import json, math, sys
s = json.load(open(sys.argv[1]))
rel = s.get("rel_l2")
assert s.get("ranks") == 2, "ranks %r, expected 2" % s.get("ranks")
assert isinstance(rel, (int, float)) and math.isfinite(rel) and rel < 1, "rel_l2 %r, expected finite < 1" % rel
assert s.get("stop_reason") == "completed", "stop_reason %r" % s.get("stop_reason")
print("slurm_single_run: summary ok: ranks %d, rel_l2 %.3e, %d iterations" % (s["ranks"], rel, s["iterations"]))
EOF
slurm_cluster_stop
rm -rf "$work/cluster" "$out" "$work"/job-*.out # kept when the test fails
echo "slurm_single_run: PASS"
