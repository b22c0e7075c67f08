#!/usr/bin/python3
"""Allen-Cahn error of a solution.h5 by region and time: the dip |x| < 0.2, the fronts 0.4 < |x| < 0.65
and the rest; rms and mean of u - reference at t = 0.05 ... 1.

    error_by_region.py SOLUTION.h5
"""
import sys,h5py,numpy as np
f=h5py.File(sys.argv[1]); p=f['points'][:]; t=p[:,0]; x=p[:,1]; u=f['u'][:].ravel(); r=f['reference'][:].ravel()
e=u-r
print('rel',np.linalg.norm(e)/np.linalg.norm(r))
regs={'dip':np.abs(x)<0.2,'front':(np.abs(x)>0.4)&(np.abs(x)<0.65),'rest':(np.abs(x)>=0.2)&((np.abs(x)<=0.4)|(np.abs(x)>=0.65))}
for tt in [0.05,0.1,0.2,0.3,0.5,0.7,0.9,1.0]:
    m=np.abs(t-tt)<1e-9
    print('t %.2f '%tt+'  '.join('%s rms %.2e mean %+.1e'%(k,np.sqrt((e[m&v]**2).mean()),e[m&v].mean()) for k,v in regs.items()))
