# bash completion for mlops                                   -*- shell-script -*-
# Install as /usr/share/bash-completion/completions/mlops (cmake --install does).

# Tracked paths: the pointer files below the current folder, without ".mlops".
_mlops_tracked() {
  local cur=$1
  compgen -G "${cur}*.mlops" | sed 's/\.mlops$//'
  local d
  for d in $(compgen -d -- "$cur"); do
    [ -d "$d" ] && [ ! -e "$d.mlops" ] && printf '%s/\n' "$d"
  done
}

# Names mlops knows (remotes, runs, stages, models), from its hidden helper,
# in the repository a -C on the line names.
_mlops_names() {
  local i dir=()
  for ((i = 1; i + 1 < ${#words[@]}; i++)); do [[ ${words[i]} == -C ]] && dir=(-C "${words[i + 1]}"); done
  mlops "${dir[@]}" __complete "$1" 2>/dev/null
}
_mlops_remotes() { _mlops_names remotes; }
_mlops_runs() { _mlops_names runs; }
_mlops_stages() { _mlops_names stages; }
_mlops_models() { _mlops_names models; }
_mlops_metrics() { _mlops_names metrics; }

# Git revisions: HEAD, branches and tags.
_mlops_revs() {
  printf '%s\n' HEAD
  git for-each-ref --format='%(refname:short)' refs/heads refs/tags refs/remotes 2>/dev/null
}

_mlops() {
  local cur prev words cword
  # ':' stays in the word (churn:champion); __ltrim_colon_completions undoes
  # what readline would otherwise repeat.
  _init_completion -n =: || return

  local commands="init add status checkout ls rm config diff gc fsck remote push fetch pull exp model import run dag params metrics ui report plots doctor install-hooks help"
  local global_opts="-C -q --quiet -v --verbose --version -h --help"

  # Find the command word, skipping global options (and -C's argument).
  local i cmd="" 
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      -C) ((i++)) ;;
      -*) ;;
      *) cmd=${words[i]}; break ;;
    esac
  done

  if [[ $prev == -C ]]; then
    _filedir -d
    return
  fi
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    return
  fi

  local opts=""
  case $cmd in
    init) opts="--hash --json" ;;
    add) opts="--json" ;;
    status) opts="--json --exit-code --remote -r --no-remote-index" ;;
    checkout) opts="-f --force --rev --json" ;;
    ls) opts="--rev --json" ;;
    diff) opts="--path --json" ;;
    gc)
      if [[ $prev == -r || $prev == --remote ]]; then COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur")); return; fi
      [[ $prev == --grace || $prev == --repack-below ]] && return
      opts="-w --workspace -a --all-branches -T --all-tags -A --all-commits -n --dry-run -f --force --run-cache -r --remote --grace --repack-below --json" ;;
    fsck) opts="--json --remote -r -j --jobs" ;;
    install-hooks) opts="--uninstall --json" ;;
    push) opts="-r --remote --rev --all-branches --all-tags --no-remote-index -j --jobs --json" ;;
    fetch) opts="-r --remote --rev --all-branches --all-tags -j --jobs --json" ;;
    pull) opts="-r --remote --rev --all-branches --all-tags -j --jobs -f --force --json" ;;
    exp)
      local sub="" j
      for ((j = i + 1; j < cword; j++)); do [[ ${words[j]} != -* ]] && { sub=${words[j]}; break; }; done
      case $sub in
        "") COMPREPLY=($(compgen -W "run log list show compare diff best export plot tag rename get rm push pull apply" -- "$cur")) ;;
        push | pull)
          if [[ $prev == -r || $prev == --remote ]]; then COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur"))
          elif [[ $prev == -e || $prev == --experiment || $prev == -j || $prev == --jobs ]]; then return
          elif [[ $cur == -* ]]; then
            local po="--all -e --experiment -r --remote -j --jobs --json"
            [[ $sub == pull ]] && po="$po -f --force"
            COMPREPLY=($(compgen -W "$po" -- "$cur"))
          elif [[ $sub == push ]]; then COMPREPLY=($(compgen -W "$(_mlops_runs)" -- "$cur")); fi ;;
        get)
          if [[ $prev == -o || $prev == --output ]]; then _filedir
          elif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "-o --output -f --force" -- "$cur"))
          elif [[ $prev == get ]]; then COMPREPLY=($(compgen -W "$(_mlops_runs)" -- "$cur")); fi ;;
        apply)
          if [[ $prev == -r || $prev == --remote ]]; then COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur"))
          elif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "-f --force -r --remote" -- "$cur"))
          else COMPREPLY=($(compgen -W "$(_mlops_runs)" -- "$cur")); fi ;;
        run) COMPREPLY=($(compgen -W "-n --name -e --experiment -p --param -j --jobs --tag --artifact --metrics --parent --pipeline -S --set-param --json --" -- "$cur")) ;;
        log)
          if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--step --run --sync" -- "$cur"))
          elif [[ $prev == --run ]]; then COMPREPLY=($(compgen -W "$(_mlops_runs)" -- "$cur"))
          elif [[ $prev == log ]]; then COMPREPLY=($(compgen -W "metric param tag artifact" -- "$cur"))
          elif [[ $prev == artifact ]]; then _filedir
          else COMPREPLY=($(compgen -W "--step --run --sync" -- "$cur")); fi ;;
        list)
          if [[ $prev == --sort ]]; then COMPREPLY=($(compgen -W "$(_mlops_names fields)" -- "$cur"))
          elif [[ $prev == --columns ]]; then
            # A comma-separated list: complete the last item.
            local done_part=${cur%,*} item=${cur##*,}
            [[ $cur == *,* ]] && done_part="$done_part," || done_part=""
            compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -P "$done_part" -W "$(_mlops_names fields) params.* metrics.* best.* tags.*" -- "$item"))
          elif [[ $prev == --filter || $prev == --limit ]]; then return
          elif [[ $prev == -r ]]; then COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur"))
          else COMPREPLY=($(compgen -W "--filter --sort --desc --limit --columns --json --csv --remote -r" -- "$cur")); fi ;;
        best)
          if [[ $prev == -m || $prev == --metric ]]; then COMPREPLY=($(compgen -W "$(_mlops_metrics)" -- "$cur"))
          elif [[ $prev == --filter ]]; then return
          else COMPREPLY=($(compgen -W "-m --metric --min --max --any-step --filter --json" -- "$cur")); fi ;;
        export)
          if [[ $prev == -o || $prev == --output ]]; then _filedir
          elif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--filter --json --csv -o --output" -- "$cur"))
          else COMPREPLY=($(compgen -W "$(_mlops_runs)" -- "$cur")); fi ;;
        show | compare | diff | plot | tag | rename | rm)
          local o=""
          case $sub in
            show) o="--json --diff --remote -r" ;;
            rm) o="--remote -r" ;;
            compare) o="--json --md" ;;
            diff) o="-a --all --json --md" ;;
            plot) o="-m --metric -o --output --width --height" ;;
          esac
          if [[ $prev == -o || $prev == --output ]]; then _filedir
          elif [[ $prev == -r ]]; then COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur"))
          elif [[ $sub == plot && ($prev == -m || $prev == --metric) ]]; then COMPREPLY=($(compgen -W "$(_mlops_metrics)" -- "$cur"))
          elif [[ $sub == plot && ($prev == --width || $prev == --height) ]]; then return
          elif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$o" -- "$cur"))
          else COMPREPLY=($(compgen -W "$(_mlops_runs)" -- "$cur")); fi ;;
      esac
      return
      ;;
    run)
      if [[ $prev == -j || $prev == --jobs || $prev == -S || $prev == --set-param || $prev == --name || $prev == --experiment || $prev == --tag ]]; then return; fi
      if [[ $prev == --parent ]]; then COMPREPLY=($(compgen -W "$(_mlops_runs)" -- "$cur")); return; fi
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "-j --jobs -f --force -n --dry-run --downstream -k --keep-going -S --set-param --name --experiment --tag --parent --json" -- "$cur"))
      else COMPREPLY=($(compgen -W "$(_mlops_stages)" -- "$cur")); fi
      return
      ;;
    dag)
      COMPREPLY=($(compgen -W "--dot --mermaid --json" -- "$cur"))
      return
      ;;
    doctor)
      COMPREPLY=($(compgen -W "--offline --json" -- "$cur"))
      return
      ;;
    params | metrics)
      local sub="" j
      for ((j = i + 1; j < cword; j++)); do [[ ${words[j]} != -* ]] && { sub=${words[j]}; break; }; done
      if [[ -z $sub ]]; then
        if [[ ${words[i]} == params ]]; then COMPREPLY=($(compgen -W "diff" -- "$cur"))
        else COMPREPLY=($(compgen -W "show diff" -- "$cur")); fi
      elif [[ $cur == -* ]]; then
        if [[ $sub == show ]]; then COMPREPLY=($(compgen -W "--json" -- "$cur"))
        else COMPREPLY=($(compgen -W "-a --all --json --md --targets" -- "$cur")); fi
      elif [[ $sub == diff ]]; then
        COMPREPLY=($(compgen -W "$(git for-each-ref --format='%(refname:short)' refs/heads refs/tags 2>/dev/null) HEAD" -- "$cur"))
      fi
      return
      ;;
    model)
      local sub="" j
      for ((j = i + 1; j < cword; j++)); do [[ ${words[j]} != -* ]] && { sub=${words[j]}; break; }; done
      local o="--json"
      case $sub in
        "") COMPREPLY=($(compgen -W "register list show versions history promote demote alias unalias get lineage sync" -- "$cur")); return ;;
        register) o="--version --bump --run -d --description --tag --no-git-tag --json" ;;
        promote | demote | alias | unalias) o="--no-git-tag --json" ;;
        get) o="-o --output -f --force -r --remote --json" ;;
        sync) o="--runs -r --remote --json" ;;
      esac
      if [[ $prev == --bump ]]; then COMPREPLY=($(compgen -W "major minor patch" -- "$cur"))
      elif [[ $prev == -o || $prev == --output ]]; then _filedir
      elif [[ $prev == -r || $prev == --remote ]]; then COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur"))
      elif [[ $prev == --run ]]; then COMPREPLY=($(compgen -W "$(_mlops_runs)" -- "$cur"))
      elif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$o" -- "$cur"))
      elif [[ $sub == get && $prev == get ]]; then
        # A model, or one of its versions (@v1.0.0), stages (#production) or aliases (:champion).
        COMPREPLY=($(compgen -W "$(_mlops_names model-refs)" -- "$cur"))
        __ltrim_colon_completions "$cur"
      elif [[ $prev == "$sub" && $sub != list && $sub != sync ]]; then COMPREPLY=($(compgen -W "$(_mlops_models)" -- "$cur"))
      elif [[ $sub == register ]]; then _filedir
      elif [[ $sub == promote || $sub == demote ]] && [[ ${words[cword - 2]} != "$sub" ]]; then
        COMPREPLY=($(compgen -W "$(_mlops_names stages-of-models)" -- "$cur"))
      fi
      return
      ;;
    ui)
      [[ $prev == -p || $prev == --port || $prev == --host ]] && return
      COMPREPLY=($(compgen -W "-p --port --host --no-token --open" -- "$cur"))
      return
      ;;
    report)
      if [[ $prev == -o || $prev == --output ]]; then _filedir
      elif [[ $prev == --filter || $prev == --columns || $prev == --runs || $prev == --sort ]]; then return
      elif [[ $prev == --rev ]]; then COMPREPLY=($(compgen -W "$(git for-each-ref --format='%(refname:short)' 2>/dev/null) HEAD" -- "$cur"))
      else COMPREPLY=($(compgen -W "-o --output --filter --columns --sort --desc --runs --models --pipeline --rev --md" -- "$cur")); fi
      return
      ;;
    plots)
      local sub="" j
      for ((j = i + 1; j < cword; j++)); do [[ ${words[j]} != -* ]] && { sub=${words[j]}; break; }; done
      if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "show diff" -- "$cur"))
      elif [[ $prev == -t || $prev == --template ]]; then COMPREPLY=($(compgen -W "line scatter bar bar_horizontal bar_horizontal_sorted confusion confusion_normalized" -- "$cur"))
      elif [[ $prev == -o || $prev == --output ]]; then _filedir -d
      elif [[ $prev == --targets ]]; then _filedir
      elif [[ $prev == -x || $prev == -y || $prev == --width || $prev == --title || $prev == --x-label || $prev == --y-label ]]; then return
      elif [[ $cur == -* ]]; then
        if [[ $sub == diff ]]; then COMPREPLY=($(compgen -W "--targets -x -y -t --template --title --x-label --y-label -o --output --width" -- "$cur"))
        else COMPREPLY=($(compgen -W "-x -y -t --template --title --x-label --y-label -o --output --width" -- "$cur")); fi
      elif [[ $sub == diff ]]; then COMPREPLY=($(compgen -W "$(git for-each-ref --format='%(refname:short)' 2>/dev/null) HEAD" -- "$cur"))
      else _filedir; fi
      return
      ;;
    import)
      local sub="" j
      for ((j = i + 1; j < cword; j++)); do [[ ${words[j]} != -* ]] && { sub=${words[j]}; break; }; done
      if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "dvc mlflow" -- "$cur"))
      elif [[ $sub == dvc ]]; then
        if [[ $prev == --from-cache ]]; then _filedir -d
        elif [[ $prev == -r || $prev == --remote || $prev == -j || $prev == --jobs ]]; then return
        else COMPREPLY=($(compgen -W "--from-cache --fetch -r --remote --remove-dvc -n --dry-run -f --force -j --jobs --json" -- "$cur")); fi
      elif [[ $prev == -e || $prev == --experiment || $prev == -j || $prev == --jobs ]]; then return
      elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-e --experiment --include-deleted --update -n --dry-run --git-tags -j --jobs --json" -- "$cur"))
      else _filedir; fi
      return
      ;;
    remote)
      local sub="" j
      for ((j = i + 1; j < cword; j++)); do [[ ${words[j]} != -* ]] && { sub=${words[j]}; break; }; done
      case $sub in
        "") COMPREPLY=($(compgen -W "add list remove default modify" -- "$cur")) ;;
        add) if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "-d --default" -- "$cur")); else _filedir -d; fi ;;
        list) COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
        remove | default) COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur")) ;;
        modify)
          if [[ $prev == modify ]]; then COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur"))
          else COMPREPLY=($(compgen -W "url jobs endpoint region profile path-style part-size timeout packs" -- "$cur")); fi ;;
      esac
      return
      ;;
    rm) opts="--keep-data -f --force --json" ;;
    config) opts="-l --list --unset --json" ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
  esac
  opts="$opts -q --quiet -v --verbose -h --help"

  if [[ $cmd == init && $prev == --hash ]]; then
    COMPREPLY=($(compgen -W "xxh128 sha256" -- "$cur"))
    return
  fi
  if [[ $prev == -r || $prev == --remote ]]; then
    COMPREPLY=($(compgen -W "$(_mlops_remotes)" -- "$cur"))
    return
  fi
  if [[ $prev == --rev ]]; then
    COMPREPLY=($(compgen -W "$(_mlops_revs)" -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case $cmd in
    diff)
      if [[ $prev == --path ]]; then
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(_mlops_tracked "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_mlops_revs)" -- "$cur"))
      fi
      ;;
    add) _filedir ;;
    status | checkout | ls | rm | push | fetch | pull)
      compopt -o nospace 2>/dev/null
      COMPREPLY=($(_mlops_tracked "$cur"))
      ;;
    config)
      if [[ $prev == config || $prev == --unset ]]; then
        COMPREPLY=($(compgen -W "core.hash core.jobs cache.dir cache.link" -- "$cur"))
      elif [[ $prev == cache.link ]]; then
        COMPREPLY=($(compgen -W "reflink,copy hardlink,copy symlink,copy copy" -- "$cur"))
      elif [[ $prev == cache.dir ]]; then
        _filedir -d
      fi
      ;;
  esac
} &&
  complete -F _mlops mlops
