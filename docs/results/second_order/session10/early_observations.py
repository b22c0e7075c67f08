#!/usr/bin/python3
"""Writes the reference on the test grid for t <= TMAX as a [data] file (points in the model order x, t),
for the oracle probe of docs/benchmarks.md (tenth session); reads /reference of a solution.h5.

    early_observations.py OUT.h5 TMAX SOLUTION.h5
"""
import sys,h5py,numpy as np
tmax=float(sys.argv[2])
with h5py.File(sys.argv[3], 'r') as f:
    p=f['points'][:]; ref=f['reference'][:].ravel()
m=p[:,0]<=tmax+1e-12
with h5py.File(sys.argv[1],'w') as g:
    g['points']=np.stack([p[m,1],p[m,0]],1); g['values']=ref[m]
print(m.sum())
