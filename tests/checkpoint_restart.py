#!/usr/bin/env python3
"""Checkpoint/restart and divergence-guard tests of pigx-solve (run by ctest; needs h5py and numpy).

  checkpoint_restart.py SOLVE MPIEXEC SOURCE WORK MODE

MODE is one of
  exact_np1, exact_np2  a run of all iterations versus the same run killed with SIGKILL several times (in
                        the middle of a resampling period, at its end, while a checkpoint is half written,
                        inside the Levenberg-Marquardt stage) and continued with --restart each time: the
                        final parameters must be bitwise equal.
  ranks                 a checkpoint written at 1 rank continued at 2 ranks.
  decomposed            a 2x2 decomposed run killed twice at 2 ranks and finished at 1: bitwise the same.
  runs                  train.ensemble_runs: each run's checkpoint file survives kills in either run.
  bad_input             missing, corrupt and foreign checkpoints: exit code 2, a message naming the file and
                        nothing written.
  guard                 a poisoned loss evaluation is rolled back; endless ones stop the run cleanly with a
                        usable checkpoint.
"""
import glob
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

SOLVE, MPIEXEC, SOURCE, WORK, MODE = sys.argv[1:6]
INI = os.path.join(SOURCE, "tests", "data", "tiny_poisson.ini")
# Adam with resampling every 50 iterations, then Levenberg-Marquardt on fixed points: both optimiser states.
STAGES = "adam:200,lm:20:0"
ITERATIONS = 220
TEST_ENV = ("PIGX_TEST_KILL_AFTER_ITERATION", "PIGX_TEST_KILL_DURING_CHECKPOINT",
            "PIGX_TEST_INJECT_NAN_AT_EVALUATION")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def solve(out, np_=1, extra=(), env=None, expect=0, stages=STAGES, solution="false"):
    """Runs pigx-solve on np_ ranks with output in `out`; returns (exit code, stdout + stderr)."""
    cmd = [SOLVE, INI, "--output.dir=" + out, "--train.stages=" + stages, "--checkpoint.every=10",
           "--output.progress_every=0", "--output.solution=" + solution] + list(extra)
    if np_ > 1:
        cmd = [MPIEXEC, "-n", str(np_)] + cmd
    full_env = {k: v for k, v in os.environ.items() if k not in TEST_ENV}
    full_env.update(env or {})
    p = subprocess.run(cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=120)
    print("$ " + " ".join("%s=%s" % kv for kv in (env or {}).items()) + " " + " ".join(cmd))
    print(p.stdout.rstrip())
    killed = p.returncode in (-9, 137) or (np_ > 1 and p.returncode != 0 and "signal 9" in p.stdout)
    if expect == "killed":
        check(killed, "expected the run to be killed, exit code %d" % p.returncode)
    else:
        check(p.returncode == expect, "exit code %d, expected %s" % (p.returncode, expect))
    return p.returncode, p.stdout


def state(path):
    """The checkpoint's /state as a dict (attributes and arrays)."""
    with h5py.File(path, "r") as f:
        s = {k: v.decode() if isinstance(v, bytes) else v for k, v in f["state"].attrs.items()}
        for name in f["state"]:
            s[name] = f["state"][name][:]
        s["problem"] = f.attrs["problem"].decode()
    return s


def summary(out):
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def fresh(name):
    path = os.path.join(WORK, name)
    shutil.rmtree(path, ignore_errors=True)
    return path


def killed_and_continued(out, np_, kills):
    """Runs with each kill in turn (env name, iteration), continuing with --restart; ends with a full restart."""
    for i, (var, at, stored) in enumerate(kills):
        extra = ["--restart"] if i > 0 else []
        solve(out, np_, extra, {var: str(at)}, expect="killed")
        ckpt = os.path.join(out, "checkpoint.h5")
        check(os.path.isfile(ckpt), "no checkpoint after the kill at %d" % at)
        s = state(ckpt)
        check(s["iterations"] == stored and s["complete"] == 0,
              "after %s=%d the checkpoint is at iteration %d, expected %d" % (var, at, s["iterations"], stored))
        check(not os.path.exists(os.path.join(out, "summary.json")), "a killed run wrote summary.json")
    _, log = solve(out, np_, ["--restart"])
    check("restarting at iteration %d" % kills[-1][2] in log, "the last restart did not report its iteration")
    s = summary(out)
    check(s["iterations"] == ITERATIONS and s["stop_reason"] == "completed" and s["restarted"],
          "restarted run summary: %s" % s)
    return state(os.path.join(out, "checkpoint.h5"))


def exact(np_):
    full = fresh("full_np%d" % np_)
    solve(full, np_)
    reference = state(os.path.join(full, "checkpoint.h5"))
    check(reference["complete"] == 1 and reference["iterations"] == ITERATIONS, "full run's final checkpoint")
    check(reference["adam_m"].size == 0 and reference["stage"] == 2, "final checkpoint's stage and state")
    kills = [("PIGX_TEST_KILL_AFTER_ITERATION", 130, 130),    # inside a resampling period of the Adam stage
             ("PIGX_TEST_KILL_AFTER_ITERATION", 150, 150),    # at the end of a resampling period
             ("PIGX_TEST_KILL_DURING_CHECKPOINT", 170, 160),  # half-written checkpoint: 160's survives
             ("PIGX_TEST_KILL_AFTER_ITERATION", 210, 210)]    # inside the Levenberg-Marquardt stage
    if np_ > 1:
        kills = [kills[0], kills[2], kills[3]]
    out = fresh("killed_np%d" % np_)
    final = killed_and_continued(out, np_, kills)
    diff = np.abs(final["theta"] - reference["theta"]).max()
    check(np.array_equal(final["theta"], reference["theta"]),
          "continued run differs from the uninterrupted one: max |diff| %g" % diff)
    check(np.all(np.isfinite(final["theta"])), "non-finite parameters")
    print("exact continuation at %d rank(s): %d parameters bitwise equal" % (np_, final["theta"].size))


def ranks():
    full = fresh("ranks_full")
    solve(full, 1)
    reference = state(os.path.join(full, "checkpoint.h5"))
    out = fresh("ranks_1to2")
    solve(out, 1, [], {"PIGX_TEST_KILL_AFTER_ITERATION": "150"}, expect="killed")
    _, log = solve(out, 2, ["--restart"])
    check("restarting at iteration 150" in log, "restart at 2 ranks did not resume at iteration 150")
    s = summary(out)
    check(s["ranks"] == 2 and s["iterations"] == ITERATIONS, "summary after the 2-rank restart: %s" % s)
    final = state(os.path.join(out, "checkpoint.h5"))
    diff = np.abs(final["theta"] - reference["theta"]).max()
    check(diff < 1e-5, "1-rank checkpoint continued at 2 ranks is far from the 1-rank run: max |diff| %g" % diff)
    print("1 -> 2 ranks: max |theta difference| to the uninterrupted 1-rank run %.3g (round-off only)" % diff)


def decomposed():
    """A 2x2 decomposed run killed on 2 ranks inside Adam, continued on 2, killed inside LM, continued on 1:
    bitwise the uninterrupted run (the decomposed history does not depend on the rank count)."""
    layout = ["--domain.subdomains=2x2", "--interface.points=16", "--model.gaussians=10"]
    full = fresh("decomposed_full")
    solve(full, 2, layout)
    reference = state(os.path.join(full, "checkpoint.h5"))
    out = fresh("decomposed_killed")
    solve(out, 2, layout, {"PIGX_TEST_KILL_AFTER_ITERATION": "130"}, expect="killed")
    solve(out, 2, layout + ["--restart"], {"PIGX_TEST_KILL_AFTER_ITERATION": "210"}, expect="killed")
    _, log = solve(out, 1, layout + ["--restart"])
    check("restarting at iteration 210" in log, "the 1-rank restart did not resume at iteration 210")
    final = state(os.path.join(out, "checkpoint.h5"))
    check(np.array_equal(final["theta"], reference["theta"]),
          "decomposed continuation differs: max |diff| %g" % np.abs(final["theta"] - reference["theta"]).max())
    print("decomposed 2x2: killed at 2 ranks twice, finished at 1: %d parameters bitwise equal" % final["theta"].size)


def expect_rejected(what, extra, fragments, stages=STAGES):
    out = fresh("bad_out")
    _, log = solve(out, 1, extra, expect=2, stages=stages)
    for f in fragments:
        check(f in log, "%s: message does not name '%s'" % (what, f))
    check(not os.path.exists(out), "%s: output directory was created" % what)


def bad_input():
    good = fresh("bad_good")
    solve(good, 1, stages="adam:10")
    ckpt = os.path.join(good, "checkpoint.h5")
    missing = os.path.join(WORK, "nowhere", "checkpoint.h5")
    expect_rejected("missing checkpoint", ["--restart=" + missing], [missing, "does not exist"])
    corrupt = os.path.join(WORK, "corrupt.h5")
    with open(ckpt, "rb") as f:
        data = f.read()
    with open(corrupt, "wb") as f:
        f.write(data[: len(data) // 3])
    expect_rejected("truncated checkpoint", ["--restart=" + corrupt], [corrupt])
    with open(corrupt, "w") as f:
        f.write("not a checkpoint\n")
    expect_rejected("text file", ["--restart=" + corrupt], [corrupt, "not an HDF5 file"])
    expect_rejected("another model", ["--model.gaussians=30", "--restart=" + ckpt],
                    [ckpt, "model", "gaussians 40", "gaussians 30", "parameter count"], stages="adam:10")
    expect_rejected("another seed", ["--train.seed=7", "--restart=" + ckpt],
                    [ckpt, "train.seed", "another problem or configuration"], stages="adam:10")
    expect_rejected("other stages", ["--restart=" + ckpt], [ckpt, "train.stages", "adam:10", STAGES])
    expect_rejected("another problem", ["--problem.type=helmholtz", "--restart=" + ckpt],
                    [ckpt, "problem.type", "poisson", "helmholtz"], stages="adam:10")
    # A solution file is HDF5 but not a checkpoint.
    sol = fresh("bad_sol")
    solve(sol, 1, stages="adam:2", solution="true")
    expect_rejected("solution file", ["--restart=" + os.path.join(sol, "solution.h5")],
                    ["solution.h5", "lacks the attribute 'format'"])
    print("bad checkpoints rejected with exit code 2 and nothing written")


def guard():
    out = fresh("guard_once")
    _, log = solve(out, 1, [], {"PIGX_TEST_INJECT_NAN_AT_EVALUATION": "60"})
    check("rolled back to iteration" in log and "halved the learning rate" in log, "no rollback in the log")
    s = summary(out)
    check(s["stop_reason"] == "completed" and s["iterations"] == ITERATIONS, "summary after one rollback: %s" % s)
    check(s["rel_l2"] is not None and s["final_loss"] is not None and s["rel_l2"] < 0.5, "outputs: %s" % s)
    st = state(os.path.join(out, "checkpoint.h5"))
    check(st["rollbacks"] == 1 and abs(st["lr_scale"] - 0.5) < 1e-15, "checkpoint's guard state: %s" % st)
    check(np.all(np.isfinite(st["theta"])), "non-finite parameters in the checkpoint")

    out = fresh("guard_endless")
    _, log = solve(out, 1, [], {"PIGX_TEST_INJECT_NAN_AT_EVALUATION": "60:1000000"})
    s = summary(out)
    check(s["stop_reason"].startswith("diverged"), "stop_reason: %s" % s["stop_reason"])
    check(s["rel_l2"] is not None and s["final_loss"] is not None, "non-finite outputs after divergence: %s" % s)
    st = state(os.path.join(out, "checkpoint.h5"))
    check(st["complete"] == 0 and st["stop_reason"].startswith("diverged"), "checkpoint after divergence")
    check(np.all(np.isfinite(st["theta"])) and np.all(np.isfinite(st["adam_m"])), "checkpoint not finite")
    check(st["iterations"] == s["iterations"] and 0 < st["iterations"] < 60, "checkpoint iteration %d" % st["iterations"])
    # The checkpoint it leaves is usable: continuing (without the fault) finishes the run.
    _, log = solve(out, 1, ["--restart"])
    s = summary(out)
    check(s["stop_reason"] == "completed" and s["iterations"] == ITERATIONS, "continuation after divergence: %s" % s)
    print("divergence guard: rollback, clean stop and continuation work")


def ensemble():
    """train.ensemble_sets: killed at the end of a point set (its fit not yet kept), inside one, and at the
    last step, each continued: the final ensemble, kept in the checkpoint, equals the uninterrupted run's.
    LM takes 4 steps per point set, checkpoints come every 10 iterations: iteration 200 is inside a set,
    210 ends one (whose fit is among the last 4), 220 ends the stage."""
    stages, extra = "adam:198,lm:22:4", ["--train.ensemble_sets=4"]
    full = fresh("ensemble_full")
    solve(full, 1, extra, stages=stages)
    reference = state(os.path.join(full, "checkpoint.h5"))
    n = reference["theta"].size
    check(reference["ensemble"].size == 4 * n, "the final checkpoint holds %d values, expected 4 x %d"
          % (reference["ensemble"].size, n))
    check(np.array_equal(reference["ensemble"][-n:], reference["theta"]), "the last member is not theta")
    s = summary(full)
    check(s["ensemble_members"] == 4 and s["rel_l2"] is not None, "ensemble summary: %s" % s)
    for name, kills in (("set_end", [210]), ("inside_and_last", [200, 220])):
        out = fresh("ensemble_" + name)
        for i, at in enumerate(kills):
            solve(out, 1, extra + (["--restart"] if i else []), {"PIGX_TEST_KILL_AFTER_ITERATION": str(at)},
                  expect="killed", stages=stages)
        solve(out, 1, extra + ["--restart"], stages=stages)
        final = state(os.path.join(out, "checkpoint.h5"))
        check(np.array_equal(final["ensemble"], reference["ensemble"]),
              "killed at %s and continued: ensemble differs (max |diff| %g)"
              % (kills, np.abs(final["ensemble"] - reference["ensemble"]).max()
                 if final["ensemble"].size == reference["ensemble"].size else float("nan")))
        check(summary(out)["rel_l2"] == s["rel_l2"], "killed at %s: rel_l2 %s, uninterrupted %s"
              % (kills, summary(out)["rel_l2"], s["rel_l2"]))
    print("ensemble: the members and the error survive kills at and inside point sets and at the end")


def runs():
    """train.ensemble_runs = 2 with an ensemble of 2 sets each, at 2 ranks: each run has its own checkpoint
    file. Killed at iteration 130 of run 1, continued and killed at iteration 130 of run 2 (run 1's resumed
    part passes no checkpoint at 130), then continued to the end: every file's members and the error equal
    the uninterrupted run's. A job continued after run 2's file is lost trains run 2 again, the same way."""
    extra = ["--train.ensemble_runs=2", "--train.ensemble_sets=2"]
    stages = "adam:200,lm:20:10"
    files = ["checkpoint.h5", "checkpoint.run1.h5"]
    full = fresh("runs_full")
    solve(full, 2, extra, stages=stages)
    reference = [state(os.path.join(full, f)) for f in files]
    n = reference[0]["theta"].size
    for r in reference:
        check(r["complete"] == 1 and r["ensemble"].size == 2 * n, "a run's final checkpoint: %s" % r)
    check(not np.array_equal(reference[0]["theta"], reference[1]["theta"]), "the two runs are identical")
    s = summary(full)
    check(s["ensemble_members"] == 4 and s["ensemble_runs"] == 2 and len(s["run_rel_l2"]) == 2,
          "summary of two runs: %s" % s)
    check(s["iterations"] == 2 * ITERATIONS, "two runs did %d iterations" % s["iterations"])
    out = fresh("runs_killed")
    kill = {"PIGX_TEST_KILL_AFTER_ITERATION": "130"}
    solve(out, 2, extra, kill, expect="killed", stages=stages)
    check(not os.path.exists(os.path.join(out, files[1])), "run 2 began before run 1 ended")
    solve(out, 2, extra + ["--restart"], kill, expect="killed", stages=stages)
    check(state(os.path.join(out, files[1]))["iterations"] == 130, "run 2 was not killed at iteration 130")
    solve(out, 2, extra + ["--restart"], stages=stages)
    os.remove(os.path.join(full, files[1]))
    _, log = solve(full, 2, extra + ["--restart"], stages=stages)
    check(log.count("continuing from checkpoint") == 1, "the lost run 2 was not trained afresh:\n" + log)
    for where in (out, full):
        for f, r in zip(files, reference):
            final = state(os.path.join(where, f))
            check(np.array_equal(final["ensemble"], r["ensemble"]), "%s/%s: members differ from the "
                  "uninterrupted run's" % (where, f))
        check(summary(where)["rel_l2"] == s["rel_l2"], "%s: rel_l2 %s, uninterrupted %s"
              % (where, summary(where)["rel_l2"], s["rel_l2"]))
    # train.ensemble_keep is outside the identity: the finished job, continued with keep = 1, chooses the
    # run of lower validation loss, and its solution is that run's own.
    solve(out, 2, extra + ["--restart", "--train.ensemble_keep=1"], stages=stages)
    k = summary(out)
    check(k["run_validation_loss"] == s["run_validation_loss"] and len(k["run_validation_loss"]) == 2,
          "validation losses %s, before %s" % (k["run_validation_loss"], s["run_validation_loss"]))
    best = 1 + int(np.argmin(s["run_validation_loss"]))
    check(k["runs_kept"] == [best] and k["ensemble_members"] == 2, "kept %s of %s" % (k["runs_kept"], k))
    check(k["rel_l2"] == s["run_rel_l2"][best - 1], "rel_l2 %s, run %d's own %s"
          % (k["rel_l2"], best, s["run_rel_l2"][best - 1]))
    print("ensemble_runs: each run's checkpoint survives kills in either run and the loss of a file; "
          "ensemble_keep chooses among finished runs")


os.makedirs(WORK, exist_ok=True)
{"exact_np1": lambda: exact(1), "exact_np2": lambda: exact(2), "ranks": ranks, "bad_input": bad_input,
 "guard": guard, "decomposed": decomposed, "ensemble": ensemble, "runs": runs}[MODE]()
print("PASS " + MODE)
# Leftover temporary files of killed writers are hidden; none may have replaced a checkpoint.
print("temporary files left by killed writers:", len(glob.glob(os.path.join(WORK, "*", ".checkpoint.h5.tmp-*"))))
