"""Relative L2 error of a flow-mixing solution.h5 on every seventh time slice of the 50^3 test grid, and the
split of the squared error over radii. Usage: error_by_time.py solution.h5 [...]"""
import sys

import h5py
import numpy as np

for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        p, u, ref = f["points"][:], f["u"][:], f["reference"][:]
    e = u - ref
    t, r = p[:, 2], np.hypot(p[:, 0], p[:, 1])
    print(path, "total %.3e" % (np.linalg.norm(e) / np.linalg.norm(ref)))
    print(" ".join("t=%.2f:%.1e" % (s, np.linalg.norm(e[t == s]) / np.linalg.norm(ref[t == s]))
                   for s in np.unique(t)[::7]))
    print(" ".join("r[%g,%g):%.2f" % (a, b, np.sum(e[(r >= a) & (r < b)] ** 2) / np.sum(e ** 2))
                   for a, b in [(0, 0.5), (0.5, 1), (1, 1.5), (1.5, 2.5), (2.5, 9)]))
