# bash completion for mp-classify(1)                       -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_classify()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=

	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	# --opt=value arrives as --opt, = and value
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
	if [[ $prev == --time ]]; then
		COMPREPLY=($(compgen -W 'now date' -- "$cur"))
		return 0
	fi
	__mp_complete \
	    '-a --annotate --json -c --config --internal --semi-internal
	     -r --recipient --resent --facts -f --envelope-sender --auth-user --now
	     --time --syslog --mbox --maildir -h --help --version' \
	    '-c --config --mbox' \
	    '--maildir' \
	    '--internal --semi-internal -r --recipient -f --envelope-sender --auth-user
	     --now' \
	    '-a --annotate --json' \
	    '-a --annotate --mbox --maildir' \
	    '-a --annotate --facts'
}

complete -F _mp_classify mp-classify
