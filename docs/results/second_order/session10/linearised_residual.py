#!/usr/bin/python3
"""Allen-Cahn: the trained model's residual to first order, from its error e = u - reference on the test
grid: e_t - eps e_xx - kappa (1 - 3 ref^2) e by central differences (dt = 0.005, dx = 2/512; not valid
where the grid does not resolve e, e.g. the seam at t < 0.02). Rows: x; columns: t = 0.005 ... 0.995.

    linearised_residual.py SOLUTION.h5
"""
import sys,h5py,numpy as np
f=h5py.File(sys.argv[1]); u=f['u'][:].reshape(201,512); r=f['reference'][:].reshape(201,512)
e=u-r; dt=0.005; dx=2/512
et=(e[2:,:]-e[:-2,:])/(2*dt)
exx=(np.roll(e,-1,1)-2*e+np.roll(e,1,1))/dx**2
lin=5*(1-3*r**2)*e
R=et-1e-4*exx[1:-1]-lin[1:-1]   # residual of model (linearised), t index 1..199
xs=-1+2*np.arange(512)/512
for j in [256,258,260,264,270,280,300,320,384]:
    print('x=%.3f'%xs[j],' '.join('%+.1e'%R[i-1,j] for i in [1,2,4,8,12,20,40,60,100,150,199]))
print('rms by t (all x):',' '.join('%.1e'%np.sqrt((R[i-1]**2).mean()) for i in [1,2,4,8,12,20,40,60,100,150,199]))
