"""Writes a deterministic data set (CSV shards) and a fake model for a version."""
import os
import random
import sys

data_dir, model_path, version = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(version)
os.makedirs(data_dir, exist_ok=True)
shards = 100 + 10 * (version - 1)  # each version adds shards
for i in range(shards):
    path = os.path.join(data_dir, f"shard-{i:03}.csv")
    if version > 1 and i % 25 and os.path.exists(path):
        continue  # most shards stay as they were
    with open(path, "w") as out:
        out.write("x,y\n")
        for _ in range(200):
            x = rng.random()
            out.write(f"{x:.6f},{2 * x + rng.gauss(0, 0.1):.6f}\n")
with open(model_path, "wb") as out:
    out.write(bytes(rng.getrandbits(8) for _ in range(1 << 16)))
