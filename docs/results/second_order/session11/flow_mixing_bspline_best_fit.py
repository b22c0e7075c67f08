"""Best L2 approximation of the flow-mixing solution by one tensor cubic B-spline grid (no PDE): the
spatial axes stretched as x = 4 sinh(beta s) / sinh(beta), s uniform in [-1, 1], which puts the small
cells in the vortex core. Least squares on 4 samples per cell per axis (separable), error on the
benchmark's 50^3 test grid. Usage: flow_mixing_bspline_best_fit.py nx,nt,beta ... (beta 0: uniform)."""
import numpy as np, sys
from scipy.interpolate import BSpline
def exact(x,y,t):
    r=np.sqrt(x*x+y*y); vt=np.tanh(r)/np.cosh(r)**2
    w=np.where(r>0, vt/np.maximum(r,1e-300)/0.385, 1/0.385)
    return -np.tanh(y/2*np.cos(w*t)-x/2*np.sin(w*t))
def design(n, lo, hi, pts):
    k=3; h=(hi-lo)/n
    knots=lo+h*np.arange(-k, n+k+1)
    return BSpline.design_matrix(np.clip(pts,lo,hi-1e-12), knots, k).toarray()
def fit(nx,nt,beta,spp=4):
    ss=np.linspace(-1,1,nx*spp+1); xs=4*np.sinh(beta*ss)/np.sinh(beta) if beta>0 else 4*ss
    ts=np.linspace(0,4,nt*spp+1)
    X,Y,T=np.meshgrid(xs,xs,ts,indexing='ij'); U=exact(X,Y,T)
    Ax=np.linalg.pinv(design(nx,-1,1,ss)); At=np.linalg.pinv(design(nt,0,4,ts))
    C=np.einsum('ai,ijk->ajk',Ax,U); C=np.einsum('bj,ajk->abk',Ax,C); C=np.einsum('ck,abk->abc',At,C)
    g=np.linspace(-4,4,50); tg=np.linspace(0,4,50)
    gs=np.arcsinh(g/4*np.sinh(beta))/beta if beta>0 else g/4
    Bx=design(nx,-1,1,gs); Bt=design(nt,0,4,tg)
    V=np.einsum('ia,jb,kc,abc->ijk',Bx,Bx,Bt,C)
    Xg,Yg,Tg=np.meshgrid(g,g,tg,indexing='ij'); E=exact(Xg,Yg,Tg)
    return np.linalg.norm(V-E)/np.linalg.norm(E), (nx+3)**2*(nt+3)
for a in sys.argv[1:]:
    nx,nt,b=a.split(','); e,p=fit(int(nx),int(nt),float(b)); print(a,p,"%.3e"%e, flush=True)
