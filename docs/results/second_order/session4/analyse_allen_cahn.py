#!/usr/bin/python3
"""Where the Allen-Cahn error lies, for one or several solution.h5 files (pigx-solve output).

    analyse_allen_cahn.py SOLUTION.h5 [MORE.h5 ...]      error of each, of their mean, and where it lies
    analyse_allen_cahn.py --observations OUT.h5 SOLUTION.h5
        writes 16,384 points of the reference (from SOLUTION.h5's /reference) as a [data] file
        (the data-fit run of docs/benchmarks.md, session 4)

Shares are of the squared error of the mean over the 201 x 512 test grid; "shift" is the zero crossing of
the mean minus the reference's, at t = 1, for each front.
"""
import sys

import h5py
import numpy as np


def read(fn):
    with h5py.File(fn, "r") as f:
        p = f["points"][:]  # columns t, x (attribute "coordinates")
        return p[:, 0], p[:, 1], f["u"][:].ravel(), f["reference"][:].ravel()


def crossing(x, v, c):
    return x[c] - v[c] * (x[c + 1] - x[c]) / (v[c + 1] - v[c])


def main(files):
    runs = [read(fn) for fn in files]
    t, x, _, ref = runs[0]
    rel = lambda u: np.linalg.norm(u - ref) / np.linalg.norm(ref)
    for fn, r in zip(files, runs):
        print(f"{fn}: {rel(r[2]):.4e}")
    u = np.mean([r[2] for r in runs], axis=0)
    print(f"mean of {len(runs)}: {rel(u):.4e}")
    e2 = (u - ref) ** 2
    total = e2.sum()
    for lo, hi in [(0, 0.1), (0.1, 0.5), (0.5, 0.8), (0.8, 1.01)]:
        print(f"t in [{lo}, {hi}): share {e2[(t >= lo) & (t < hi)].sum() / total:.3f}")
    fronts = np.abs(np.abs(x) - 0.5) < 0.05
    dip = np.abs(x) < 0.05
    seam = np.abs(x) > 0.95
    for name, sel in [("fronts |x| - 0.5 within 0.05", fronts), ("dip |x| < 0.05", dip),
                      ("seam |x| > 0.95", seam), ("elsewhere", ~(fronts | dip | seam))]:
        print(f"{name}: share {e2[sel].sum() / total:.3f}")
    last = np.abs(t - t.max()) < 1e-12
    o = np.argsort(x[last])
    xs, r, m = x[last][o], ref[last][o], u[last][o]
    cu = np.where(np.sign(m[:-1]) != np.sign(m[1:]))[0]
    for c in np.where(np.sign(r[:-1]) != np.sign(r[1:]))[0]:
        cc = cu[np.argmin(np.abs(cu - c))]
        print(f"front at x = {crossing(xs, r, c):.5f}, t = 1: shift {crossing(xs, m, cc) - crossing(xs, r, c):.2e}")


def observations(out, fn):
    t, x, _, ref = read(fn)
    i = np.random.default_rng(0).choice(len(ref), 16384, replace=False)
    with h5py.File(out, "w") as g:
        g["points"] = np.stack([x[i], t[i]], 1)  # the model's coordinate order: x, t
        g["values"] = ref[i]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--observations":
        observations(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1:])
