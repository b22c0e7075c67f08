#!/usr/bin/python3
import sys,h5py,numpy as np
f=h5py.File(sys.argv[1]); p=f['points'][:]; u=f['u'][:].ravel(); r=f['reference'][:].ravel()
t=np.unique(p[:,0]); x=np.unique(p[:,1]); nt,nx=len(t),len(x)
E=(u-r).reshape(nt,nx); R=r.reshape(nt,nx)
i0=np.argmin(abs(x))
for k in [int(a) for a in sys.argv[2].split(',')]:
  print('t=%.3f'%t[k], ' '.join('%+.1e'%E[k,i] for i in range(i0-40,i0+41,4)))
print('x:', ' '.join('%.3f'%x[i] for i in range(i0-40,i0+41,4)))
