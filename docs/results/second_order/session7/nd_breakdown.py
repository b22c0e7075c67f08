import sys, h5py, numpy as np
sol = h5py.File(sys.argv[1], 'r')
P = sol['points'][...]; U = sol['u'][...]; R = sol['reference'][...]
if len(sys.argv) > 2:  # other reference file u[t,x,y]
    f = h5py.File(sys.argv[2], 'r'); A = f['u'][...]
    s = (A.shape[1]-1)//100; A = A[::1, ::s, ::s] if A.shape[0]==101 else A
    ix = lambda v: np.rint((v+1)*50).astype(int)
    R = A[np.rint(P[:,2]*100).astype(int) if P[:,2].max()>0.5 else 0, ix(P[:,0]), ix(P[:,1])]
E = U - R; den = (R**2).sum(); tot = (E**2).sum()
print("coords ranges", P.min(0), P.max(0))
print("rel_l2 %.4e" % np.sqrt(tot/den))
t = P[:,0]; x = P[:,1]; y = P[:,2]
d = np.minimum(np.minimum(x+1, 1-x), np.minimum(y+1, 1-y))
def part(name, m):
    print("%-28s points %7d share %.3f contribution %.3e rms %.2e" % (name, m.sum(), (E[m]**2).sum()/tot, np.sqrt((E[m]**2).sum()/den), np.sqrt((E[m]**2).mean())))
part("t=0", t < 1e-9)
part("0<t<=0.05", (t > 1e-9) & (t < 0.0501))
part("t>0.05", t > 0.0501)
for k in range(4):
    part("d=%d nodes" % k, np.abs(d - 0.02*k) < 1e-6)
part("d>=0.08", d > 0.079)
part("d>=0.2", d > 0.199)
part("d>=0.2, t>0.05", (d > 0.199) & (t > 0.0501))
