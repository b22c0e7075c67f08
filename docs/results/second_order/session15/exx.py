#!/usr/bin/python3
import sys,h5py,numpy as np
f=h5py.File(sys.argv[1]); p=f['points'][:]; u=f['u'][:].ravel(); r=f['reference'][:].ravel()
t=np.unique(p[:,0]); x=np.unique(p[:,1]); nt,nx=len(t),len(x)
U=u.reshape(nt,nx); R=r.reshape(nt,nx); E=U-R; h=x[1]-x[0]; dt=t[1]-t[0]
i0=np.argmin(abs(x))
for k in [0,5,10,20,30,50]:
  exx=(E[k,i0+1]-2*E[k,i0]+E[k,i0-1])/h**2
  rxx=(R[k,i0+1]-2*R[k,i0]+R[k,i0-1])/h**2
  et=(E[k+1,i0]-E[k,i0])/dt
  print('t=%.3f e=%+.2e e_xx=%+.3e (ref u_xx %.3f) e_t=%+.2e  eps*e_xx=%+.2e  5e=%+.2e'%(t[k],E[k,i0],exx,rxx,et,1e-4*exx,5*E[k,i0]))
