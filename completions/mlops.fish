# fish completion for mlops. Install as ~/.config/fish/completions/mlops.fish.

set -l commands init add status checkout ls rm config diff gc fsck remote push fetch pull exp model run dag params metrics doctor install-hooks help

# Names mlops knows, from its hidden helper: paths, remotes, runs, stages, models.
function __mlops_names
    mlops __complete $argv[1] 2>/dev/null
end

function __mlops_tracked
    __mlops_names paths
end

complete -c mlops -f
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -s C -r -a '(__fish_complete_directories)' -d 'Run as if started in DIR'
complete -c mlops -s q -l quiet -d 'Print only errors'
complete -c mlops -s v -l verbose -d 'Print more detail'
complete -c mlops -s h -l help -d 'Show help'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -l version -d 'Print the version'

complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a init -d 'Create .mlops/ at the top of the git repository'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a add -d 'Track files and folders'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a status -d 'Show tracked data that changed or is missing'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a checkout -d 'Make the workspace match the pointer files'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a ls -d 'List tracked paths'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a rm -d 'Stop tracking paths'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a config -d 'Read and write repository settings'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a diff -d 'Show tracked data that changed between commits'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a gc -d 'Remove store objects nothing kept refers to'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a fsck -d 'Re-hash the store, or a remote'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a install-hooks -d 'Install git hooks'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a help -d 'Show help for a command'

complete -c mlops -n "__fish_seen_subcommand_from init" -l hash -x -a 'xxh128 sha256' -d 'Object hash'
complete -c mlops -n "__fish_seen_subcommand_from add" -F
complete -c mlops -n "__fish_seen_subcommand_from add status checkout ls config" -l json -d 'Print JSON'
complete -c mlops -n "__fish_seen_subcommand_from status" -l exit-code -d 'Exit 1 when anything changed'
complete -c mlops -n "__fish_seen_subcommand_from checkout rm" -s f -l force -d 'Discard content not in the store'
complete -c mlops -n "__fish_seen_subcommand_from rm" -l keep-data -d 'Leave the data in the workspace'
complete -c mlops -n "__fish_seen_subcommand_from status checkout ls rm" -a '(__mlops_tracked)'
complete -c mlops -n "__fish_seen_subcommand_from config" -s l -l list -d 'List settings'
complete -c mlops -n "__fish_seen_subcommand_from config" -l unset -x -a 'core.jobs cache.dir cache.link' -d 'Remove a setting'
complete -c mlops -n "__fish_seen_subcommand_from config" -a 'core.hash core.jobs cache.dir cache.link'
complete -c mlops -n "__fish_seen_subcommand_from help" -a "$commands"
complete -c mlops -n "__fish_seen_subcommand_from checkout ls" -l rev -x -a '(__fish_git_refs 2>/dev/null; echo HEAD)' -d 'Git revision'
complete -c mlops -n "__fish_seen_subcommand_from diff" -a '(__fish_git_refs 2>/dev/null; echo HEAD)'
complete -c mlops -n "__fish_seen_subcommand_from diff" -l path -x -a '(__mlops_tracked)' -d 'Only this tracked path'
complete -c mlops -n "__fish_seen_subcommand_from diff gc fsck" -l json -d 'Print JSON'
complete -c mlops -n "__fish_seen_subcommand_from gc" -s w -l workspace -d 'Keep what the workspace and HEAD need'
complete -c mlops -n "__fish_seen_subcommand_from gc" -s a -l all-branches -d 'Keep every branch'
complete -c mlops -n "__fish_seen_subcommand_from gc" -s T -l all-tags -d 'Keep every tag'
complete -c mlops -n "__fish_seen_subcommand_from gc" -s A -l all-commits -d 'Keep every commit'
complete -c mlops -n "__fish_seen_subcommand_from gc" -s n -l dry-run -d 'List what would be removed'
complete -c mlops -n "__fish_seen_subcommand_from gc" -l run-cache -d 'Also forget the run cache'
complete -c mlops -n "__fish_seen_subcommand_from gc" -s f -l force -d 'Allow a shared store'
complete -c mlops -n "__fish_seen_subcommand_from gc" -s r -l remote -x -a '(__mlops_names remotes)' -d 'Clean this remote'
complete -c mlops -n "__fish_seen_subcommand_from gc" -l grace -x -d 'With -r: keep objects younger than this'
complete -c mlops -n "__fish_seen_subcommand_from install-hooks" -l uninstall -d 'Remove the hooks'

function __mlops_remotes
    __mlops_names remotes
end
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a remote -d 'Manage remotes'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a push -d 'Send tracked data to a remote'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a fetch -d 'Get tracked data from a remote'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a pull -d 'Fetch tracked data and check it out'
complete -c mlops -n "__fish_seen_subcommand_from remote; and not __fish_seen_subcommand_from add list remove default modify" -a 'add list remove default modify'
complete -c mlops -n "__fish_seen_subcommand_from remote; and __fish_seen_subcommand_from add" -s d -l default -d 'Make it the default'
complete -c mlops -n "__fish_seen_subcommand_from remote; and __fish_seen_subcommand_from remove default modify" -a '(__mlops_remotes)'
complete -c mlops -n "__fish_seen_subcommand_from remote; and __fish_seen_subcommand_from list" -l json -d 'Print JSON'
complete -c mlops -n "__fish_seen_subcommand_from push fetch pull" -s r -l remote -x -a '(__mlops_remotes)' -d 'Remote to use'
complete -c mlops -n "__fish_seen_subcommand_from push fetch pull" -l rev -x -a '(__fish_git_refs 2>/dev/null; echo HEAD)' -d 'Data of a revision'
complete -c mlops -n "__fish_seen_subcommand_from push fetch pull" -l all-branches -d 'Every branch'
complete -c mlops -n "__fish_seen_subcommand_from push fetch pull" -l all-tags -d 'Every tag'
complete -c mlops -n "__fish_seen_subcommand_from push fetch pull" -s j -l jobs -x -d 'Parallel transfers'
complete -c mlops -n "__fish_seen_subcommand_from push fetch pull" -l json -d 'Print JSON'
complete -c mlops -n "__fish_seen_subcommand_from push fetch pull" -a '(__mlops_tracked)'
complete -c mlops -n "__fish_seen_subcommand_from pull" -s f -l force -d 'Overwrite unsaved content'
complete -c mlops -n "__fish_seen_subcommand_from status" -l remote -d 'Compare with the default remote'
complete -c mlops -n "__fish_seen_subcommand_from status" -s r -x -a '(__mlops_remotes)' -d 'Compare with this remote'
complete -c mlops -n "__fish_seen_subcommand_from status push" -l no-remote-index -d 'Ask the remote, not the index of earlier pushes'
complete -c mlops -n "__fish_seen_subcommand_from fsck" -l remote -d 'Check the default remote'
complete -c mlops -n "__fish_seen_subcommand_from fsck" -s r -x -a '(__mlops_remotes)' -d 'Check this remote'
complete -c mlops -n "__fish_seen_subcommand_from fsck" -s j -l jobs -x -d 'Parallel downloads'
complete -c mlops -n "__fish_seen_subcommand_from remote; and __fish_seen_subcommand_from modify" -a 'url jobs endpoint region profile path-style part-size timeout'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a exp -d 'Experiment runs'
set -l exp_commands run log list show compare diff best export plot tag rename rm push pull apply
complete -c mlops -n "__fish_seen_subcommand_from exp; and not __fish_seen_subcommand_from $exp_commands" -a "$exp_commands"
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from show compare diff export plot tag rename rm push apply" -f -a '(__mlops_names runs)'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list show rm" -l remote -d 'Runs a remote holds'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list show rm push pull apply" -s r -x -a '(__mlops_names remotes)' -d 'Remote'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from push pull apply" -l remote -x -a '(__mlops_names remotes)' -d 'Remote'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from push pull" -l json -d 'Print JSON'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from push pull" -l all -d 'Every run'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from push pull" -s e -l experiment -x -d 'Only this experiment'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from push pull" -s j -l jobs -x -d 'Objects at once'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from pull apply" -s f -l force -d 'Take the remote version / overwrite changes'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from run" -s j -l jobs -x -d 'Sweep runs at once'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from run" -l parent -x -d 'Sweep the run belongs to'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list" -l columns -x -d 'Columns'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from show" -l diff -d 'Print the uncommitted changes'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from diff" -s a -l all -d 'Unchanged values too'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from best plot" -s m -l metric -x -a '(__mlops_names metrics)' -d 'Metric'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from best" -l min -d 'Lower is better'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from best" -l max -d 'Higher is better'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from best" -l any-step -d 'Best step of each run'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from best export" -l filter -x -d 'Only matching runs'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from export plot" -s o -l output -r -d 'Output file'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from export" -l csv -d 'Print CSV'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from plot" -l width -x -d 'Columns'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from plot" -l height -x -d 'Rows'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from run" -s n -l name -x -d 'Run name'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from run" -s e -l experiment -x -d 'Experiment'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from run" -s p -l param -x -d 'Parameter KEY=VALUE'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from run" -l tag -x -d 'Tag KEY=VALUE'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from run" -l artifact -r -d 'File or folder to keep'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from run" -l metrics -r -d 'Final metrics file'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from log; and not __fish_seen_subcommand_from metric param tag artifact" -a 'metric param tag artifact'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from log" -l step -x -d 'Step'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from log" -l run -x -d 'Run'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from log" -l sync -d 'Write to the database before returning'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list" -l sort -x -a '(__mlops_names fields)' -d 'Sort key'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list" -l desc -d 'Descending'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list" -l limit -x -d 'At most N runs'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list" -l csv -d 'Print CSV'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list show run compare diff best export" -l json -d 'Print JSON'
complete -c mlops -n "__fish_seen_subcommand_from exp; and __fish_seen_subcommand_from list" -l filter -x -d 'Only matching runs'

# model
set -l model_commands register list show versions history promote demote alias unalias get lineage sync
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from sync" -l runs -d 'Also pull the runs versions name'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from sync" -s r -l remote -x -a '(__mlops_names remotes)' -d 'Remote for --runs'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a model -d 'Model registry'
complete -c mlops -n "__fish_seen_subcommand_from model; and not __fish_seen_subcommand_from $model_commands" -a "$model_commands"
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from show versions history promote demote alias unalias lineage" -a '(__mlops_names models)'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from get" -a '(__mlops_names model-refs)'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from promote demote" -a '(__mlops_names stages-of-models)'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from register" -l version -x -d 'Version X.Y.Z'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from register" -l bump -x -a 'major minor patch' -d 'Next version'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from register" -l run -x -d 'Run that made it'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from register" -s d -l description -x -d 'Description'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from register" -l tag -x -d 'Tag KEY=VALUE'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from register promote demote alias unalias" -l no-git-tag -d 'No git tag'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from get" -s o -l output -r -d 'Where to put it'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from get" -s f -l force -d 'Replace it'
complete -c mlops -n "__fish_seen_subcommand_from model; and __fish_seen_subcommand_from get" -s r -l remote -x -d 'Remote'
complete -c mlops -n "__fish_seen_subcommand_from model" -l json -d 'Print JSON'

# run, dag
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a run -d 'Bring the pipeline up to date'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a dag -d 'Show the pipeline graph'
complete -c mlops -n "__fish_seen_subcommand_from run" -a '(__mlops_names stages)'
complete -c mlops -n "__fish_seen_subcommand_from run" -s j -l jobs -x -d 'Stages at once'
complete -c mlops -n "__fish_seen_subcommand_from run" -s f -l force -d 'Run even when up to date'
complete -c mlops -n "__fish_seen_subcommand_from run" -s n -l dry-run -d 'Say what would run'
complete -c mlops -n "__fish_seen_subcommand_from run" -l downstream -d 'And what depends on them'
complete -c mlops -n "__fish_seen_subcommand_from run" -s S -l set-param -x -d 'Set [FILE:]KEY=VALUE in a params file first'
complete -c mlops -n "__fish_seen_subcommand_from run" -s k -l keep-going -d 'Go on after a failure'
complete -c mlops -n "__fish_seen_subcommand_from run dag" -l json -d 'Print JSON'
complete -c mlops -n "__fish_seen_subcommand_from dag" -l dot -d 'Graphviz dot'
complete -c mlops -n "__fish_seen_subcommand_from dag" -l mermaid -d 'Mermaid flowchart'

# params, metrics
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a params -d 'Pipeline params'
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a metrics -d 'Pipeline metrics'
complete -c mlops -n "__fish_seen_subcommand_from params; and not __fish_seen_subcommand_from diff" -a diff
complete -c mlops -n "__fish_seen_subcommand_from metrics; and not __fish_seen_subcommand_from show diff" -a 'show diff'
complete -c mlops -n "__fish_seen_subcommand_from params metrics; and __fish_seen_subcommand_from diff" -s a -l all -d 'Unchanged values too'
complete -c mlops -n "__fish_seen_subcommand_from params metrics" -l json -d 'Print JSON'

# doctor
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a doctor -d 'Versions and state for bug reports'
complete -c mlops -n "__fish_seen_subcommand_from doctor" -l offline -d 'Do not contact the remotes'
complete -c mlops -n "__fish_seen_subcommand_from doctor" -l json -d 'Print JSON'
complete -c mlops -n "__fish_seen_subcommand_from init rm install-hooks" -l json -d 'Print JSON'
