# bash completion for mp-policy(1)                         -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_policy()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= words=

	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	# --opt=value arrives as --opt, = and value
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
	case $prev in
	--time) words='now date' ;;
	--lang) words='ja en' ;;
	esac
	if [[ -n $words ]]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	__mp_complete \
	    '-a --annotate --json --explain --summary --report -c --config
	     --internal --semi-internal -r --recipient -f --envelope-sender --auth-user
	     --now --time --snapshot --lang --notice --notice-maildir
	     --notice-cmd --template-dir --notice-from --syslog --mbox
	     --maildir -h --help --version' \
	    '-c --config --mbox --report --snapshot --notice' \
	    '--maildir --notice-maildir --template-dir' \
	    '--internal --semi-internal -r --recipient -f --envelope-sender --auth-user
	     --now --notice-cmd --notice-from' \
	    '-a --annotate --json' \
	    '-a --annotate --explain' \
	    '-a --annotate --summary' \
	    '-a --annotate --report' \
	    '-a --annotate --mbox --maildir'
}

complete -F _mp_policy mp-policy
