#!/usr/bin/env python3
"""Checks that the bash, zsh and fish completions offer every option of every
command path, each in the place that completes that path.

    completion_check.py CLI_TREE COMPLETIONS_DIR

CLI_TREE is the output of `mlops __cli` (a path, a tab, its options). bash is
asked through its real completion machinery (bash-completion's
_init_completion and the mlops function, as a user's Tab would); zsh and
fish, which are not installed here, are read: an option counts only as a
whole token in the _arguments branch of its command (zsh) or on a `complete`
line whose conditions select its command (fish). Prints what is missing and
exits 1 when anything is.
"""
import re
import subprocess
import sys
from pathlib import Path

BASH_DRIVER = r'''
source /usr/share/bash-completion/bash_completion
source "$1"
shift
while IFS= read -r line; do
  read -ra COMP_WORDS <<<"$line -"
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _mlops
  printf '%s\t%s\n' "$line" "${COMPREPLY[*]}"
done
'''


def read_tree(path):
    tree = []
    for line in Path(path).read_text().splitlines():
        words, _, opts = line.partition("\t")
        if words.split()[0] in ("help", "__complete", "__cli"):
            continue
        tree.append((words.split(), opts.split()))
    return tree


def token(opt, text):
    return re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", text) is not None


def bash_missing(tree, script):
    # Every option starts with '-': completing "-" after the path offers them all.
    lines = "\n".join("mlops " + " ".join(words) for words, _ in tree) + "\n"
    out = subprocess.run(["bash", "-c", BASH_DRIVER, "_", str(script)], input=lines, capture_output=True,
                         text=True, check=True).stdout
    offered = {}
    for line in out.splitlines():
        path, _, reply = line.partition("\t")
        offered[path] = set(reply.split())
    missing = []
    for words, opts in tree:
        have = offered.get("mlops " + " ".join(words), set())
        missing += [f"bash: mlops {' '.join(words)} {o}" for o in opts if o not in have]
    return missing


def zsh_branches(text):
    """{(command,) or (command, sub): the text of its case branch}."""
    branches = {}
    lines = text.splitlines()
    label = re.compile(r"^( +)([a-z|-]+)\)(.*)$")
    top = None
    current = None  # (key, indent)
    for line in lines:
        m = label.match(line)
        if m and len(m.group(1)) in (8, 14):
            indent, names = len(m.group(1)), m.group(2).split("|")
            if indent == 8:
                top = names
                keys = [(n,) for n in names]
            else:
                keys = [(t, n) for t in (top or []) for n in names]
            current = (keys, indent)
            for k in keys:
                branches[k] = m.group(3)
            continue
        if current and line.startswith(" " * (current[1] + 1)):
            for k in current[0]:
                branches[k] += "\n" + line
    return branches


def zsh_missing(tree, text):
    branches = zsh_branches(text)
    missing = []
    for words, opts in tree:
        # A command whose subcommands share one branch (params, metrics:
        # if/elif on the word) is looked up by its name alone.
        body = branches.get(tuple(words[:2]), branches.get((words[0],)) if len(words) > 1 else None)
        if body is None:
            if opts:
                missing.append(f"zsh: no branch for mlops {' '.join(words)}")
            continue
        body = re.sub(r"'\([^)]*\)", "'", body)  # exclusion lists name options without offering them
        if "$common" in body:
            body += " -q --quiet -v --verbose -h --help"
        missing += [f"zsh: mlops {' '.join(words)} {o}" for o in opts if not token(o, body)]
    return missing


def fish_missing(tree, text):
    rules = []  # (positive condition lists, long names, short names)
    for line in text.splitlines():
        if not line.startswith("complete -c mlops"):
            continue
        m = re.search(r'-n "([^"]*)"', line)
        conds = []
        if m:
            for neg, names in re.findall(r"(not )?__fish_seen_subcommand_from ([^;\"]+)", m.group(1)):
                if not neg:
                    conds.append(names.split())
        longs = re.findall(r"(?<![\w-])-l ([\w-]+)", line)
        shorts = re.findall(r"(?<![\w-])-s (\w)", line)
        rules.append((conds, set(longs), set(shorts)))
    missing = []
    for words, opts in tree:
        def applies(conds):
            if not conds:
                return True
            if words[0] not in conds[0]:
                return False
            return len(conds) < 2 or (len(words) > 1 and words[1] in conds[1])
        longs, shorts = set(), set()
        for conds, ls, ss in rules:
            if applies(conds):
                longs |= ls
                shorts |= ss
        for o in opts:
            ok = o[2:] in longs if o.startswith("--") else o[1:] in shorts
            if not ok:
                missing.append(f"fish: mlops {' '.join(words)} {o}")
    return missing


def main():
    tree = read_tree(sys.argv[1])
    d = Path(sys.argv[2])
    missing = bash_missing(tree, d / "mlops.bash")
    missing += zsh_missing(tree, (d / "_mlops").read_text())
    missing += fish_missing(tree, (d / "mlops.fish").read_text())
    for m in missing:
        print(m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
