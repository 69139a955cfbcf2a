# bash completion for mp-gate(8)                           -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_gate()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= words= args

	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	# --opt=value arrives as --opt, = and value
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
	case $prev in
	--auth-mismatch) words='reject policy' ;;
	--null-sender) words='check policy' ;;
	esac
	if [[ -n $words ]]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	# the options with a value that is not a file
	args='--listen --next --workers --max-size --max-use --command-timeout
	    --data-timeout --next-timeout --hostname'
	# mp-gate takes no operands: only options, and their values
	if [[ $cur != -* ]] &&
	    ! __mp_in "$prev" -c --config --snapshot $args; then
		COMPREPLY=()
		return 0
	fi
	__mp_complete \
	    "-c --config --check $args --auth-mismatch --null-sender
	     --snapshot --log-stderr -h --help --version" \
	    '-c --config --snapshot' \
	    '' \
	    "$args"
}

complete -F _mp_gate mp-gate
