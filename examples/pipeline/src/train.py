import json, math, os
from common import params

p = params()["train"]
data = [tuple(map(float, l.split(","))) for l in open("data/train.csv").read().splitlines()[1:]]
w, b = [0.0, 0.0], 0.0
for epoch in range(p["epochs"]):
    gw, gb, loss = [0.0, 0.0], 0.0, 0.0
    for x1, x2, y in data:
        z = w[0] * x1 + w[1] * x2 + b
        q = 1 / (1 + math.exp(-z))
        loss -= y * math.log(q + 1e-12) + (1 - y) * math.log(1 - q + 1e-12)
        gw[0] += (q - y) * x1
        gw[1] += (q - y) * x2
        gb += q - y
    n = len(data)
    w = [w[0] - p["lr"] * gw[0] / n, w[1] - p["lr"] * gw[1] / n]
    b -= p["lr"] * gb / n
os.makedirs("models", exist_ok=True)
os.makedirs("metrics", exist_ok=True)
json.dump({"w": w, "b": b}, open("models/model.json", "w"))
json.dump({"loss": round(loss / len(data), 6)}, open("metrics/train.json", "w"))
