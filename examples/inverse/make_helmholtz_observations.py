#!/usr/bin/env python3
"""Synthetic observations for the inverse Helmholtz example (docs/inverse_problems.md).

Writes an HDF5 file for pigx-solve's data.file: /points [n, 2] (float64, uniform in [-1,1]^2), /values [n]
= u*(x, y) + Gaussian noise with std = noise * max|u*| (max|u*| = 1), attribute noise_std, and the true
parameters as attributes (a1, a2, k_true) for the record. u* = sin(a1 pi x) sin(a2 pi y) is the exact
solution of u_xx + u_yy + k^2 u = q with q = (k^2 - (a1 pi)^2 - (a2 pi)^2) u*, for any k: the observations
do not depend on k, the known source q does (pigx builds q from problem.k, the true value).

Usage: make_helmholtz_observations.py OUT.h5 [--n 2000] [--noise 0.01] [--seed 1] [--a1 1] [--a2 1] [--k 1]
Needs numpy and h5py (Debian: /usr/bin/python3 with python3-numpy python3-h5py).
"""
import argparse

import h5py
import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--n", type=int, default=2000, help="number of observations")
    p.add_argument("--noise", type=float, default=0.01, help="noise std as a fraction of max|u|")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--a1", type=float, default=1.0)
    p.add_argument("--a2", type=float, default=1.0)
    p.add_argument("--k", type=float, default=1.0, help="true k (recorded only; u* does not depend on it)")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    x = rng.uniform(-1.0, 1.0, size=(a.n, 2))
    u = np.sin(a.a1 * np.pi * x[:, 0]) * np.sin(a.a2 * np.pi * x[:, 1])
    std = a.noise * 1.0  # max|u*| = 1
    values = u + rng.normal(0.0, std, size=a.n)
    with h5py.File(a.out, "w") as f:
        f.create_dataset("points", data=x.astype(np.float64))
        f.create_dataset("values", data=values.astype(np.float64))
        f.attrs["noise_std"] = std
        f.attrs["a1"], f.attrs["a2"], f.attrs["k_true"] = a.a1, a.a2, a.k
    print(f"wrote {a.out}: {a.n} observations, noise std {std:g}")


if __name__ == "__main__":
    main()
