#!/usr/bin/python3
"""Shares of the squared error of a solution.h5 by time (bins of 0.1) and, for t > 0.5, by x (bins of 0.1).

    where_in_time_and_x.py SOLUTION.h5
"""
import sys,h5py,numpy as np
f=h5py.File(sys.argv[1]); p=f['points'][:]; t=p[:,0]; x=p[:,1]; u=f['u'][:].ravel(); r=f['reference'][:].ravel()
e=u-r; tot=(e**2).sum(); nr=np.linalg.norm(r)
print('rel',np.sqrt(tot)/nr)
for lo in np.arange(0,1.0,0.1):
    m=(t>=lo)&(t<lo+0.1+1e-9*(lo>0.85))
    print('t %.1f share %.3f'%(lo,(e[m]**2).sum()/tot))
m=t>0.5
xb=np.linspace(-1,1,21)
for i in range(20):
    mm=m&(x>=xb[i])&(x<xb[i+1])
    print('x [%.1f,%.1f) share %.3f  mean err %.2e  ref %.3f'%(xb[i],xb[i+1],(e[mm]**2).sum()/tot, e[mm].mean(), r[mm].mean()))
