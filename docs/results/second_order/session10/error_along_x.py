#!/usr/bin/python3
"""Allen-Cahn error u - reference of a solution.h5 along t at x = 0, 0.039, 0.078, 0.156, 0.5 (the
reference value in brackets).

    error_along_x.py SOLUTION.h5
"""
import sys,h5py,numpy as np
f=h5py.File(sys.argv[1]); p=f['points'][:]; t=p[:,0]; x=p[:,1]; u=f['u'][:].ravel(); r=f['reference'][:].ravel()
e=u-r
for xx in [0.0, 0.0390625, 0.078125,0.15625, 0.5]:
  m=np.abs(x-xx)<1e-9
  tt=t[m]; ee=e[m]; rr=r[m]
  print('x=%.3f'%xx, ' '.join('t%.2f:%+.1e(u %.3f)'%(tt[i],ee[i],rr[i]) for i in range(0,201,20)))
