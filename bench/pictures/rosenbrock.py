# bench/pictures/rosenbrock.py OUT — Rosenbrock's function over
# [-2, 2] x [-1, 3] on a 400x400 grid, filled contours at log levels (1, 2,
# 5 in each decade, from the last at or below the grid's least value to the
# first at or above its greatest: 28 levels, 5e-6 to 5e3, nabla's levels
# for levels=30 over these nine decades), a log colourbar ticked at the
# decades, title, axis labels and a grid: what nabla draws for
# contour((1-x)^2 + 100*(y-x^2)^2, ..., grid=400, levels=30, scale="log").
# 640x480, matplotlib's default size, as nabla's. Writes OUT (.png, .svg).
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm
from matplotlib.ticker import LogLocator

X, Y = np.meshgrid(np.linspace(-2, 2, 400), np.linspace(-1, 3, 400))
Z = (1 - X)**2 + 100 * (Y - X**2)**2
lo, hi = Z[Z > 0].min(), Z.max()
k0, k1 = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
levels = [m * 10.0**k for k in range(k0, k1 + 1) for m in (1, 2, 5)]
levels = [v for v in levels
          if max(u for u in levels if u <= lo) <= v <= min(u for u in levels if u >= hi)]

plt.figure(figsize=(6.4, 4.8))
plt.contourf(X, Y, Z, levels=levels, norm=LogNorm(), cmap="Blues")
plt.colorbar(ticks=LogLocator(), label="f(x, y)")
plt.title("Rosenbrock, 30 log levels")
plt.xlabel("x")
plt.ylabel("y")
plt.grid(True)
plt.savefig(sys.argv[1])
