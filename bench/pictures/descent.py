# bench/pictures/descent.py OUT — the seed's descent figure (seed 000) as
# its own matplotlib code draws it: gradient descent on x^2 + y^2 from
# (-8, 6), rate 0.1, 20 steps, over filled contours (20 levels) with a
# colourbar, the path, start and goal marked, a legend, a grid. Changed
# from the seed only where nabla's figure differs in size or work: a
# 640x480 figure (the seed's is 800x600) and a 160x160 grid (nabla's
# descend draws its contours from 160 points a side; the seed's has 100).
# Writes OUT (.png or .svg, by matplotlib's extension rule).
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def loss_function(x, y):
    return x**2 + y**2


def calculate_gradient(x, y):
    return 2 * x, 2 * y


def gradient_descent(start_x, start_y, learning_rate, iterations):
    path_x, path_y = [start_x], [start_y]
    x, y = start_x, start_y
    for _ in range(iterations):
        grad_x, grad_y = calculate_gradient(x, y)
        x = x - learning_rate * grad_x
        y = y - learning_rate * grad_y
        path_x.append(x)
        path_y.append(y)
    return path_x, path_y


learning_rate = 0.1
path_x, path_y = gradient_descent(-8.0, 6.0, learning_rate, 20)
X, Y = np.meshgrid(np.linspace(-10, 10, 160), np.linspace(-10, 10, 160))
Z = loss_function(X, Y)

plt.figure(figsize=(6.4, 4.8))
plt.contourf(X, Y, Z, levels=20, cmap="Blues_r")
plt.colorbar(label="Loss (Altitude)")
plt.plot(path_x, path_y, "ro-", label="Path of Descent")
plt.scatter(path_x[0], path_y[0], color="green", s=100, label="Start")
plt.scatter(0, 0, color="yellow", marker="*", s=200, label="Goal (Minima)")
plt.title(f"Gradient Descent Visualization\nLearning Rate: {learning_rate}")
plt.xlabel("Parameter X")
plt.ylabel("Parameter Y")
plt.legend()
plt.grid(True)
plt.savefig(sys.argv[1])
