# bash completion for clustersim: the commands, each command's options, and scenario files
# (*.json) for run and validate. The commands and options are read from the binary's own help
# (`clustersim help`, `clustersim COMMAND --help`), so they cannot drift from it.
_clustersim_commands() {
  "$1" help 2>/dev/null | sed -n 's/^  clustersim \([a-z][a-z-]*\).*/\1/p' | sort -u
}

_clustersim() {
  local cur prev binary command i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  binary=${COMP_WORDS[0]}
  command=
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in -*) ;; *) command=${COMP_WORDS[i]}; break ;; esac
  done
  COMPREPLY=()
  if [[ -z $command ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_clustersim_commands "$binary") --version --help" -- "$cur")
    return
  fi
  if [[ $command == help ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_clustersim_commands "$binary")" -- "$cur")
    return
  fi
  case $prev in
    --out) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    --trace) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --set) return ;;  # a JSON pointer: nothing to offer
  esac
  if [[ $cur == -* ]]; then
    local options
    options=$("$binary" "$command" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
    return
  fi
  case $command in
    run | validate)
      # Scenario files, and folders to descend into.
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -X '!*.json' -- "$cur"; compgen -d -- "$cur")
      ;;
  esac
}
complete -F _clustersim clustersim
