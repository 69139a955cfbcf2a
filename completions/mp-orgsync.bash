# bash completion for mp-orgsync(1)                        -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_orgsync()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= w i mode= publish=
	local dir=/var/lib/mp/org opts
	local -a gens=()

	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	# --opt=value arrives as --opt, = and value
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
	# which form of the command this is, and its snapshot directory
	for (( i = 1; i < COMP_CWORD; i++ )); do
		w=${COMP_WORDS[i]}
		case $w in
		--explain|--explain=*|--rollback|--list) mode=${w%%=*} ;;
		-v|--verbose|--org|--org=*|--encoding|--encoding=*|--force|\
		--dry-run|--changes|--changes=*|--syslog) publish=yes ;;
		--dir=*) dir=${w#--dir=} ;;
		--dir)	w=${COMP_WORDS[i+1]}
			[[ $w == = ]] && w=${COMP_WORDS[i+2]}
			(( i + 1 < COMP_CWORD )) && dir=$w ;;
		esac
	done
	if [[ $prev == --encoding ]]; then
		COMPREPLY=($(compgen -W 'auto UTF-8 CP932 EUC-JP' -- "$cur"))
		return 0
	fi
	# --rollback [generation]: the generations kept in the directory
	if [[ $mode == --rollback && $cur != -* ]] &&
	    ! __mp_in "$prev" -c --config --dir; then
		for w in "$dir"/org-*.cdb; do
			[[ -e $w ]] || continue
			w=${w##*/org-}
			gens+=("${w%.cdb}")
		done
		COMPREPLY=($(compgen -W "${gens[*]}" -- "$cur"))
		return 0
	fi
	# --explain and --list take no export file
	if [[ -n $mode && $cur != -* ]] &&
	    ! __mp_in "$prev" -c --config --dir --explain; then
		COMPREPLY=()
		return 0
	fi
	if [[ -n $mode ]]; then
		opts='-c --config --dir -h --help --version'
	elif [[ -n $publish ]]; then
		opts='-v --verbose -c --config --org --dir --encoding --force
		    --dry-run --changes --syslog -h --help --version'
	else
		opts='-v --verbose -c --config --org --dir --encoding --force
		    --dry-run --changes --syslog --explain --rollback --list
		    -h --help --version'
	fi
	__mp_complete \
	    "$opts" \
	    '-c --config --org --changes' \
	    '--dir' \
	    '--encoding --explain' \
	    '--explain --rollback --list' \
	    '-v --verbose'
}

complete -F _mp_orgsync mp-orgsync
