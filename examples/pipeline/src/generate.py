import os, random
from common import params

p = params()["data"]
rng = random.Random(p["seed"])
os.makedirs("data", exist_ok=True)
with open("data/raw.csv", "w") as f:
    f.write("x1,x2,label\n")
    for _ in range(p["rows"]):
        x1, x2 = rng.gauss(0, 1), rng.gauss(0, 1)
        label = 1 if x1 + 0.5 * x2 + rng.gauss(0, 0.5) > 0 else 0
        f.write(f"{x1:.4f},{x2:.4f},{label}\n")
