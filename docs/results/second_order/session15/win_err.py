#!/usr/bin/python3
"""rel L2 over t <= T1 and error along x=0 of a solution.h5.  win_err.py SOL.h5 T1"""
import sys,h5py,numpy as np
f=h5py.File(sys.argv[1]); T1=float(sys.argv[2]); p=f['points'][:]; t=p[:,0]; x=p[:,1]; u=f['u'][:].ravel(); r=f['reference'][:].ravel()
e=u-r
for T in [0.1,0.25,0.5,0.75,1.0]:
  if T>T1+1e-9: break
  m=t<=T+1e-9
  print('t<=%.2f rel_l2 %.3e   slice rel %.3e'%(T, np.linalg.norm(e[m])/np.linalg.norm(r[m]), np.linalg.norm(e[np.abs(t-T)<1e-9])/np.linalg.norm(r[np.abs(t-T)<1e-9])))
m=np.abs(x)<1e-9
tt=t[m]; ee=e[m]
print('x=0 ', ' '.join('t%.3f:%+.1e'%(tt[i],ee[i]) for i in range(0,len(tt),10) if tt[i]<=T1+1e-9))
m=np.abs(x-0.5)<1e-9
tt=t[m]; ee=e[m]
print('x=.5', ' '.join('t%.3f:%+.1e'%(tt[i],ee[i]) for i in range(0,len(tt),10) if tt[i]<=T1+1e-9))
