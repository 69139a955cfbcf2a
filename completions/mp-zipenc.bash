# bash completion for mp-zipenc(1)                         -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_zipenc()
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
	--cipher) words='aes256 zipcrypto' ;;
	--names) words='utf-8 cp932' ;;
	--lang) words='ja en' ;;
	--notify) words='sender recipients' ;;
	--on-limit) words='reject pass' ;;
	--note-place) words='body part' ;;
	esac
	if [[ -n $words ]]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	__mp_complete \
	    '--cipher --names --level --password-length --password-file
	     --zip-name --lang --notify --delay --notice --notice-maildir
	     --notice-cmd --template-dir --note-place --max-bytes --max-entries
	     --on-limit
	     --sender -c --config --syslog --mbox --maildir -h --help
	     --version' \
	    '-c --config --mbox --password-file --notice' \
	    '--maildir --notice-maildir --template-dir' \
	    '--level --password-length --zip-name --delay --notice-cmd
	     --max-bytes --max-entries --sender --note-place' \
	    '--password-length --password-file' \
	    '--mbox --maildir'
}

complete -F _mp_zipenc mp-zipenc
