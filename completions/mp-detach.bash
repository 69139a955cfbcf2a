# bash completion for mp-detach(1)                         -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_detach()
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
	--lang) words='ja en' ;;
	--notify) words='sender recipients' ;;
	--note-place) words='body part' ;;
	esac
	if [[ -n $words ]]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	__mp_complete \
	    '--min-size --expires --max-downloads --store --base-url
	     --password-length --password-file --lang --notify --delay
	     --notice --notice-maildir --notice-cmd --template-dir --note-place
	     --sender -c --config --syslog --mbox --maildir --list --show --revoke
	     --purge -h --help --version' \
	    '-c --config --mbox --password-file --notice' \
	    '--maildir --store --notice-maildir --template-dir' \
	    '--min-size --expires --max-downloads --base-url --password-length
	     --delay --notice-cmd --sender --show --revoke --note-place' \
	    '--password-length --password-file' \
	    '--mbox --maildir' \
	    '--list --show --revoke --purge'
}

complete -F _mp_detach mp-detach
