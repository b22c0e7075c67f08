#!/usr/bin/python3
"""Sensitivity weights S (sensitivity_weight.patch) of 4,096 uniform points computed along the reference
instead of a model: the geometric mean, the shares at the cap 100 and the floor 1/100, the weights of
early points in the dip and of late points.

    sensitivity_along_reference.py    (from the repository root)
"""
import h5py,numpy as np
f=h5py.File('../shared/data/allen_cahn_1d_reference.h5'); U=f['u'][:]; t=f['t'][:]; x=f['x'][:]
rng=np.random.default_rng(1); n=4096
px=rng.uniform(-1,1,n); pt=rng.uniform(0,1,n)
from scipy.interpolate import RegularGridInterpolator
I=RegularGridInterpolator((t,np.append(x,1.0)),np.concatenate([U,U[:,:1]],axis=1))
K=16; S=np.zeros(n)
for i in range(n):
    h=(1-pt[i])/K; s=pt[i]+(np.arange(K)+.5)*h
    u=I(np.stack([s,np.full(K,px[i])],1)); lam=5*(1-3*u*u)
    L=np.cumsum(lam*h)-lam*h/2; S[i]=(np.exp(2*L)*h).sum()
g=np.exp(np.log(S).mean()); w=np.clip(S/g,0.01,100)
print('geo mean',g,'share at cap',(w>=100).mean(),'share at floor',(w<=0.01).mean())
m=(np.abs(px)<0.03)&(pt<0.3); print('dip early weights',w[m][:10])
m=(pt>0.95); print('late weights median',np.median(w[m]))
