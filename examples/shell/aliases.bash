# Shortcuts for mlops in bash (or zsh): source this file from ~/.bashrc.
#   source /path/to/mlops/examples/shell/aliases.bash

alias ms='mlops status'                       # data changed? stages stale?
alias ma='mlops add'                          # ma data/ models/model.bin
alias mco='mlops checkout'                    # the data of the commit git checked out
alias mpush='mlops push'
alias mpull='mlops pull'
alias mr='mlops run'                          # bring the pipeline up to date
alias mx='mlops exp'                          # mx list, mx show NAME, mx compare A B

# The five newest runs, with their params and metrics.
mxl() { mlops exp list --limit "${1:-5}" --columns 'name,status,started,params.*,metrics.*'; }

# The best run by a metric (lowest for losses and errors), shown in full.
mxbest() { mlops exp show "$(mlops -q exp best -m "${1:?metric}")"; }

# Add, then stage the pointer files and .gitignore edits for git in one go.
madd() { mlops add "$@" && git add -- .gitignore $(for p in "$@"; do printf '%s.mlops ' "${p%/}"; done) $(git ls-files -m -o --exclude-standard -- '*.gitignore'); }

# What would run in the pipeline, and why.
mwhy() { mlops run --dry-run "$@"; }
