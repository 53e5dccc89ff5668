# fish completion for mlops. Install as ~/.config/fish/completions/mlops.fish.

set -l commands init add status checkout ls rm config diff gc fsck remote push fetch pull install-hooks help

function __mlops_tracked
    mlops ls --json 2>/dev/null | string match -r '"path": "(.*)"' | string match -v -r '^\s*"path"'
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
complete -c mlops -n "not __fish_seen_subcommand_from $commands" -a fsck -d 'Re-hash the store'
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
complete -c mlops -n "__fish_seen_subcommand_from gc" -s f -l force -d 'Allow a shared store'
complete -c mlops -n "__fish_seen_subcommand_from install-hooks" -l uninstall -d 'Remove the hooks'

function __mlops_remotes
    mlops remote list 2>/dev/null | string split -f1 \t
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
complete -c mlops -n "__fish_seen_subcommand_from remote; and __fish_seen_subcommand_from modify" -a 'url jobs endpoint region profile path-style part-size timeout'
