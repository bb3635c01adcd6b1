"""`relucli completion SHELL`: the completion script Click generates, for a shell rc file."""

from __future__ import annotations

import click

from ..options import CONTEXT

SHELLS = ("bash", "zsh", "fish")
# Click names the environment variable after the program: _RELUCLI_COMPLETE.
COMPLETE_VAR = "_RELUCLI_COMPLETE"


@click.command("completion", context_settings=CONTEXT)
@click.argument("shell", type=click.Choice(SHELLS))
def completion_cmd(shell: str) -> None:
    """Shell completion: print the script for SHELL (bash, zsh or fish).

    Completes commands, options, option values (formats, styles, conventions), variant
    and group names, and parameter names after NAME: (elu:alpha=).

    \b
    Switch it on (one line in the rc file, then open a new shell):
      bash  ~/.bashrc                   eval "$(relucli completion bash)"
      zsh   ~/.zshrc                    eval "$(relucli completion zsh)"
      fish  ~/.config/fish/config.fish  relucli completion fish | source
    """
    from click.shell_completion import BashComplete, get_completion_class

    from .. import main

    ctx = click.get_current_context()
    cls = get_completion_class(shell)
    assert cls is not None  # SHELLS are the shells Click supports
    if cls is BashComplete:
        cls = type("RelucliBashComplete", (BashComplete,), {"source_template": BASH_SOURCE})
    click.echo(cls(main, {}, ctx.find_root().info_name or "relucli", COMPLETE_VAR).source())


# Click's bash script, with one change: bash splits words at ':' and '=' (COMP_WORDBREAKS),
# and relucli's specs are NAME:PARAM=VALUE, so `elu:al` would reach the program as three
# words. The words are rebuilt from the line, split at blanks only, and each completion is
# shortened to the part bash replaces (the text after the word's last ':' or '=').
BASH_SOURCE = r"""%(complete_func)s() {
    local IFS=$'\n'
    local response line cur prefix="" ch i
    local -a words
    line=${COMP_LINE:0:$COMP_POINT}
    IFS=$' \t\n' read -ra words <<< "$line"
    [[ -z $line || $line == *[[:space:]] ]] && words+=("")
    cur=${words[${#words[@]}-1]}
    for (( i=${#cur}-1; i>=0; i-- )); do
        ch=${cur:i:1}
        if [[ ( $ch == ":" || $ch == "=" ) && $COMP_WORDBREAKS == *"$ch"* ]]; then
            prefix=${cur:0:i+1}
            break
        fi
    done

    response=$(env COMP_WORDS="${words[*]}" COMP_CWORD=$(( ${#words[@]} - 1 )) \
        %(complete_var)s=bash_complete $1)

    for completion in $response; do
        IFS=',' read type value <<< "$completion"

        if [[ $type == 'dir' ]]; then
            COMPREPLY=()
            compopt -o dirnames
        elif [[ $type == 'file' ]]; then
            COMPREPLY=()
            compopt -o default
        elif [[ $type == 'plain' ]]; then
            COMPREPLY+=("${value#"$prefix"}")
            # no space after elu:alpha= (a value follows), as after any other word
            [[ $value == *= ]] && compopt -o nospace
        fi
    done

    return 0
}

%(complete_func)s_setup() {
    complete -o nosort -F %(complete_func)s %(prog_name)s
}

%(complete_func)s_setup;
"""
