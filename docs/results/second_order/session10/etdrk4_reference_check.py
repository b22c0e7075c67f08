#!/usr/bin/python3
"""Independent check of ../shared/data/allen_cahn_1d_reference.h5: Allen-Cahn solved again by Fourier
ETDRK4 (Kassam-Trefethen, 32-point contour) with 1,024 modes and dt = 1e-4, then 2,048 modes and
dt = 2.5e-5, compared with the shipped file on its 201 x 512 grid. About 90 s.

    etdrk4_reference_check.py    (from the repository root)
"""
import numpy as np, h5py, sys
def solve(N, dt, T=1.0, nsave=201):
    x=-1+2*np.arange(N)/N
    u=x**2*np.cos(np.pi*x)
    k=np.fft.fftfreq(N, d=2.0/N)*2*np.pi
    L=-1e-4*k**2+5.0   # linear part incl. +5u
    E=np.exp(dt*L); E2=np.exp(dt*L/2)
    M=32; r=np.exp(1j*np.pi*(np.arange(1,M+1)-.5)/M)
    LR=dt*L[:,None]+r[None,:]
    Q=dt*np.real(np.mean((np.exp(LR/2)-1)/LR,axis=1))
    f1=dt*np.real(np.mean((-4-LR+np.exp(LR)*(4-3*LR+LR**2))/LR**3,axis=1))
    f2=dt*np.real(np.mean((2+LR+np.exp(LR)*(-2+LR))/LR**3,axis=1))
    f3=dt*np.real(np.mean((-4-3*LR-LR**2+np.exp(LR)*(4-LR))/LR**3,axis=1))
    N_=lambda v: np.fft.fft(-5*np.real(np.fft.ifft(v))**3)
    v=np.fft.fft(u); out=[u.copy()]
    nsteps=int(round(T/dt)); every=nsteps//(nsave-1)
    for n in range(1,nsteps+1):
        Nv=N_(v); a=E2*v+Q*Nv; Na=N_(a); b=E2*v+Q*Na; Nb=N_(b); c=E2*a+Q*(2*Nb-Nv); Nc=N_(c)
        v=E*v+Nv*f1+2*(Na+Nb)*f2+Nc*f3
        if n%every==0: out.append(np.real(np.fft.ifft(v)))
    return x,np.array(out)
ref=h5py.File('../shared/data/allen_cahn_1d_reference.h5')
print(list(ref.keys()))
U=ref['u'][:]
for N,dt in [(1024,1e-4),(2048,2.5e-5)]:
    x,S=solve(N,dt)
    Sd=S[:, ::N//512]
    print(N,dt,'max diff vs shipped',np.abs(Sd-U).max(),'rel l2',np.linalg.norm(Sd-U)/np.linalg.norm(U),'at x=0 t=1:',Sd[-1,256],U[-1,256])
    np.save('/tmp/exp/acref_%d.npy'%N,Sd)
