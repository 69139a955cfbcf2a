# bash completion for mp-bccify(1)                         -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_bccify()
{
	__mp_complete \
	    '-n --threshold --all --self-only --bcc-header --no-bcc-header
	     --trace --no-trace --sender -c --config --internal --semi-internal
	     --syslog --mbox --maildir -h --help --version' \
	    '-c --config --mbox' \
	    '--maildir' \
	    '-n --threshold --sender --internal --semi-internal' \
	    '--all --self-only' \
	    '--bcc-header --no-bcc-header' \
	    '--trace --no-trace' \
	    '--mbox --maildir'
}

complete -F _mp_bccify mp-bccify
