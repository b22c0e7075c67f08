"""The flow-mixing PDE as one linear least-squares problem in the values of a tensor cubic B-spline grid
(u = sum c B(x) B(y) B(t), no MLP): residual rows u_t + a u_x + b u_y (weight wres), initial and boundary
rows, spatial axes stretched as in flow_mixing_bspline_best_fit.py, points uniform in the stretched
coordinates (mode=mapped). Solved by LSQR on the column-equilibrated matrix (solver=ITERATIONS) or by a
sparse direct solve of the normal equations (solver=direct). Prints the error on the 50^3 test grid, by
time and by radius. Usage: flow_mixing_bspline_lsq.py nx=32 nt=16 beta=2 n=100000 wres=0.01 solver=4000"""
import numpy as np, sys, time
import scipy.sparse as sp
from scipy.sparse.linalg import lsqr, spsolve
def exact(x,y,t):
    r=np.sqrt(x*x+y*y); vt=np.tanh(r)/np.cosh(r)**2
    w=np.where(r>0, vt/np.maximum(r,1e-300)/0.385, 1/0.385)
    return -np.tanh(y/2*np.cos(w*t)-x/2*np.sin(w*t))
def vel(x,y):
    r=np.sqrt(x*x+y*y); vt=np.tanh(r)/np.cosh(r)**2
    f=np.where(r>0, vt/np.maximum(r,1e-300),1.0)/0.385
    return -f*y, f*x
def basis(n,lo,hi,p):
    """uniform cubic B-spline: first index, values (m,4), derivatives (m,4)"""
    h=(hi-lo)/n; z=(np.clip(p,lo,hi)-lo)/h; i=np.minimum(np.floor(z).astype(int),n-1); u=z-i
    v=np.stack([(1-u)**3/6,(3*u**3-6*u**2+4)/6,(-3*u**3+3*u**2+3*u+1)/6,u**3/6],1)
    d=np.stack([-(1-u)**2/2,(9*u**2-12*u)/6,(-9*u**2+6*u+3)/6,u**2/2],1)/h
    return i,v,d
args=dict(a.split('=') for a in sys.argv[1:])
nx=int(args.get('nx',32)); nt=int(args.get('nt',16)); beta=float(args.get('beta',2)); npts=int(args.get('n',100000))
mode=args.get('mode','mapped'); wr=float(args.get('wres',10)); solver=args.get('solver','direct')
X=lambda s: 4*np.sinh(beta*s)/np.sinh(beta)
S=lambda x: np.arcsinh(x/4*np.sinh(beta))/beta
dS=lambda x: (np.sinh(beta)/4)/beta/np.sqrt(1+(x/4*np.sinh(beta))**2)
rng=np.random.default_rng(int(args.get('seed',1)))
def pts(n):
    if mode=='mapped':
        s=rng.uniform(-1,1,(n,2)); return X(s[:,0]),X(s[:,1])
    return rng.uniform(-4,4,n),rng.uniform(-4,4,n)
ny=nx+3; ntt=nt+3
def rows(x,y,t,kind):
    ix,vx,dx=basis(nx,-1,1,S(x)); iy,vy,dy=basis(nx,-1,1,S(y)); it,vt,dt=basis(nt,0,4,t)
    if kind=='res':
        a,b=vel(x,y); dx=dx*(dS(x)*a)[:,None]; dy=dy*(dS(y)*b)[:,None]
        val=(vx[:,:,None,None]*vy[:,None,:,None]*dt[:,None,None,:]+dx[:,:,None,None]*vy[:,None,:,None]*vt[:,None,None,:]
             +vx[:,:,None,None]*dy[:,None,:,None]*vt[:,None,None,:])
    else:
        val=vx[:,:,None,None]*vy[:,None,:,None]*vt[:,None,None,:]
    o=np.arange(4)
    col=((ix[:,None,None,None]+o[None,:,None,None])*ny+(iy[:,None,None,None]+o[None,None,:,None]))*ntt+(it[:,None,None,None]+o[None,None,None,:])
    m=len(x); return sp.csr_matrix((val.reshape(-1),col.reshape(-1),np.arange(0,64*m+1,64)),shape=(m,ny*ny*ntt))
t0=time.time()
x,y=pts(npts); t=rng.uniform(0,4,npts)
B=[np.sqrt(wr)*rows(x,y,t,'res')]; f=[np.zeros(npts)]
ni=int(args.get('ni',npts//10)); x,y=pts(ni); t=np.zeros(ni); B.append(rows(x,y,t,'v')); f.append(exact(x,y,t))
nb=int(args.get('nb',npts//10)); side=rng.integers(0,4,nb); u=rng.uniform(-4,4,nb) if mode!='mapped' else X(rng.uniform(-1,1,nb)); t=rng.uniform(0,4,nb)
x=np.where(side==0,-4.0,np.where(side==1,4.0,u)); y=np.where(side==2,-4.0,np.where(side==3,4.0,u))
B.append(rows(x,y,t,'v')); f.append(exact(x,y,t))
A=sp.vstack(B).tocsr(); f=np.concatenate(f)
print("assembled",A.shape,A.nnz,"%.1fs"%(time.time()-t0),flush=True); t0=time.time()
cn=np.sqrt(np.asarray(A.multiply(A).sum(0))).ravel(); cn[cn==0]=1; As=A@sp.diags(1/cn)
if solver=='direct':
    N=(As.T@As).tocsc(); c=spsolve(N,As.T@f); its=0
else:
    sol=lsqr(As,f,atol=1e-15,btol=1e-15,iter_lim=int(solver)); c=sol[0]; its=sol[2]
c=c/cn; print("solve its",its,"%.1fs"%(time.time()-t0),"resid %.3e"%np.linalg.norm(A@c-f),flush=True)
g=np.linspace(-4,4,50); tg=np.linspace(0,4,50)
Xg,Yg,Tg=[a.ravel() for a in np.meshgrid(g,g,tg,indexing='ij')]
V=rows(Xg,Yg,Tg,'v')@c; E=exact(Xg,Yg,Tg)
err=V-E; r=np.sqrt(Xg**2+Yg**2)
print("rel L2 %.3e"%(np.linalg.norm(err)/np.linalg.norm(E)))
for tt in [0,1,2,3,4]:
    m=np.abs(Tg-tt)<0.05; print(" t~%d rel %.2e"%(tt,np.linalg.norm(err[m])/np.linalg.norm(E[m])), end='')
print()
for lo,hi in [(0,0.5),(0,1),(1,2),(2,6)]:
    m=(r>=lo)&(r<hi); print(" r[%g,%g) share %.2f"%(lo,hi,np.sum(err[m]**2)/np.sum(err**2)),end='')
print()
