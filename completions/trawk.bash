# bash completion for trawk: options, their values, probe names after -l
# (from `trawk -l`, which lists what this kernel offers) and .bt files.

_trawk_options() {
    trawk --help 2>/dev/null | sed -n 's/^ *\(-[a-zA-Z-][a-zA-Z-]*\)\(, \(--[a-z-]*\)\)\{0,1\}.*/\1 \3/p'
}

_trawk() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    case $prev in
        -l|--list)
            # Probe names hold ':': complete them whole.
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(trawk -l "${cur}*" 2>/dev/null)" -- "$cur"))
            __ltrim_colon_completions "$cur" 2>/dev/null
            return ;;
        -f)
            COMPREPLY=($(compgen -W "text json folded" -- "$cur")); return ;;
        -B)
            COMPREPLY=($(compgen -W "none line full" -- "$cur")); return ;;
        -d)
            COMPREPLY=($(compgen -W "ast bpf" -- "$cur")); return ;;
        -p)
            COMPREPLY=($(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur")); return ;;
        -c)
            COMPREPLY=($(compgen -c -- "$cur")); return ;;
        -o|--flamegraph|--speedscope|--include)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -I)
            COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -e)
            return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_trawk_options)" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -X '!*.bt' -- "$cur") $(compgen -d -- "$cur"))
}

complete -F _trawk trawk
