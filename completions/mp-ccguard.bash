# bash completion for mp-ccguard(1)                        -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_ccguard()
{
	__mp_complete \
	    '-a --annotate --json --summary --snapshot --sender -c --config
	     --internal --semi-internal --syslog --mbox --maildir
	     -h --help --version' \
	    '-c --config --mbox --snapshot' \
	    '--maildir' \
	    '--sender --internal --semi-internal' \
	    '-a --annotate --json' \
	    '-a --annotate --summary' \
	    '-a --annotate --mbox --maildir'
}

complete -F _mp_ccguard mp-ccguard
