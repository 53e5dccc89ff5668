"""Reading params.yaml without a YAML library: the file is two levels of `key: value`."""


def params():
    out, section = {}, None
    with open("params.yaml") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.strip().partition(":")
            if not line.startswith(" "):
                section = out.setdefault(key, {})
            else:
                section[key] = float(value) if "." in value else int(value)
    return out
