#!/usr/bin/env python3
"""Writes small stand-in reference files with the layout of ../shared/data's (same datasets, axes and domains,
zero solution) into DIR, for tests that only check that a config and its data files are valid where the
shared reference data is not checked out. Usage: make_standin_references.py DIR"""
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
t = np.linspace(0.0, 1.0, 11)
with h5py.File(os.path.join(out, "nonlinear_diffusion_2d_reference.h5"), "w") as f:
    x = np.linspace(-1.0, 1.0, 9)
    f["t"], f["x"], f["y"] = t, x, x
    f["u"] = np.zeros((t.size, x.size, x.size))
with h5py.File(os.path.join(out, "allen_cahn_1d_reference.h5"), "w") as f:
    x = -1.0 + 2.0 * np.arange(16) / 16  # periodic axis: [-1, 1) without its end point
    f["t"], f["x"] = t, x
    f["u"] = np.zeros((t.size, x.size))
