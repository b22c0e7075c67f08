#!/usr/bin/python3
"""Proxy for how well a 32-cell periodic cubic spline (per time slice, least squares) represents the Allen-Cahn
reference near the periodic seam, for u and for u - exp(-lambda t) u0 (docs/benchmarks.md, ninth session).

    seam_proxy.py
"""
import h5py, numpy as np
f=h5py.File('/work/shared/data/allen_cahn_1d_reference.h5')
t=f['t'][:]; x=f['x'][:]; U=f['u'][:]
u0=x**2*np.cos(np.pi*x)
def bspl(s):
    s=np.abs(s); r=np.zeros_like(s)
    m=s<1; r[m]=2/3-s[m]**2+s[m]**3/2
    m=(s>=1)&(s<2); r[m]=(2-s[m])**3/6
    return r
def basis(n):
    h=2.0/n; B=np.zeros((len(x),n))
    for j in range(n):
        c=-1+j*h
        d=(x-c)/h; d=(d+n/2)%n-n/2
        B[:,j]=bspl(d)
    return B
for n in (32,64,128):
    B=basis(n); P=B@np.linalg.pinv(B)
    for lam in (None,5,10,15,20):
        V=U.copy()
        if lam is not None: V=U-np.exp(-lam*t)[:,None]*u0[None,:]
        E=V-(V@P.T)
        err=np.sqrt((E**2).sum()/(U**2).sum())
        # seam share
        seam=(np.abs(np.abs(x)-1)<0.1)[None,:]&(t<0.1)[:,None]
        print(n,lam,'%.3e'%err,'seam share %.2f'%((E**2*seam).sum()/(E**2).sum()))
print('seam region only, |x|>0.8, t<0.3')
for n in (32,64):
    B=basis(n); P=B@np.linalg.pinv(B)
    for lam in (None,5,10,15,20):
        V=U.copy()
        if lam is not None: V=U-np.exp(-lam*t)[:,None]*u0[None,:]
        E=V-(V@P.T)
        seam=(np.abs(x)>0.8)[None,:]&(t<0.3)[:,None]
        print(n,lam,'seam contribution %.3e'%np.sqrt((E**2*seam).sum()/(U**2).sum()))
