# mp-common - the helpers every mp bash completion uses   -*- shell-script -*-
#
# Installed beside the completions as "mp-common"; each of them sources it
# once (bash-completion loads a command's file when it is first completed).

# __mp_complete OPTS FILEOPTS DIROPTS ARGOPTS [GROUP ...]
# Complete one word of an mp command line: OPTS are all its options;
# after one of FILEOPTS a file, after one of DIROPTS a directory, after
# one of ARGOPTS nothing (a domain, address or number).  Each GROUP
# lists options that exclude each other: once one is on the line, none
# of the group is offered again.  Shared by the mp completions.
__mp_complete()
{
	local opts=$1 fileopts=$2 diropts=$3 argopts=$4
	local cur=${COMP_WORDS[COMP_CWORD]} prev= pre= w o g i
	local -a used=() excluded=() keep=()

	shift 4
	COMPREPLY=()
	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	# --opt=value: split into --opt, = and value by COMP_WORDBREAKS,
	# or kept whole when '=' is not a word break
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*} pre=${cur%%=*}= cur=${cur#*=}
	fi
	for (( i = 1; i < COMP_CWORD; i++ )); do
		w=${COMP_WORDS[i]}
		if [[ $w == -- ]]; then
			__mp_files -f
			return 0
		fi
		used+=("${w%%=*}")
	done

	if __mp_in "$prev" $fileopts; then
		__mp_files -f
	elif __mp_in "$prev" $diropts; then
		__mp_files -d
	elif __mp_in "$prev" $argopts; then
		:
	elif [[ $cur == -* ]]; then
		for g in "$@"; do
			for o in $g; do
				if __mp_in "$o" "${used[@]}"; then
					excluded+=($g)
					break
				fi
			done
		done
		for o in $opts; do
			__mp_in "$o" "${excluded[@]}" || keep+=("$o")
		done
		COMPREPLY=($(compgen -W "${keep[*]}" -- "$cur"))
	elif ! __mp_in --mbox "${used[@]}" && ! __mp_in --maildir "${used[@]}"
	then
		__mp_files -f
	fi
	return 0
}

# __mp_in WORD [LIST ...] - whether WORD is one of LIST
__mp_in()
{
	local w=$1 x

	shift
	for x; do
		[[ $w == "$x" ]] && return 0
	done
	return 1
}

# __mp_files -f|-d - file or directory names for $cur (of the caller)
__mp_files()
{
	local IFS=$'\n'

	if [[ -z $pre ]] && declare -F _filedir >/dev/null; then
		if [[ $1 == -d ]]; then
			_filedir -d
		else
			_filedir
		fi
		return 0
	fi
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen "$1" -- "$cur"))
	if [[ -n $pre ]]; then
		COMPREPLY=("${COMPREPLY[@]/#/$pre}")
	fi
	return 0
}
