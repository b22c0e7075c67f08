#!/usr/bin/python3
"""Relative L2 error of each solution.h5 given and of their pointwise mean.

    mean_of_solutions.py A/solution.h5 B/solution.h5 ...
"""
import sys,h5py,numpy as np
us=[];
for fn in sys.argv[1:]:
    with h5py.File(fn,'r') as f: us.append(f['u'][:].ravel()); r=f['reference'][:].ravel()
for fn,u in zip(sys.argv[1:],us): print('%.3e'%(np.linalg.norm(u-r)/np.linalg.norm(r)), fn)
m=np.mean(us,0); print('mean of %d: %.3e'%(len(us),np.linalg.norm(m-r)/np.linalg.norm(r)))
