import json, os

m = json.load(open("models/model.json"))
data = [tuple(map(float, l.split(","))) for l in open("data/test.csv").read().splitlines()[1:]]
right = sum((m["w"][0] * x1 + m["w"][1] * x2 + m["b"] > 0) == (y == 1) for x1, x2, y in data)
os.makedirs("metrics", exist_ok=True)
json.dump({"acc": round(right / len(data), 4)}, open("metrics/eval.json", "w"))
