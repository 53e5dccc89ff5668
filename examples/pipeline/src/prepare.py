from common import params

split = params()["prepare"]["split"]
rows = open("data/raw.csv").read().splitlines()
header, rows = rows[0], rows[1:]
cut = int(len(rows) * (1 - split))
for name, part in (("train", rows[:cut]), ("test", rows[cut:])):
    with open(f"data/{name}.csv", "w") as f:
        f.write("\n".join([header] + part) + "\n")
