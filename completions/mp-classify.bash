# bash completion for mp-classify(1)                       -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_classify()
{
	__mp_complete \
	    '-a --annotate --json -c --config --internal --semi-internal
	     -r --recipient --resent --syslog --mbox --maildir
	     -h --help --version' \
	    '-c --config --mbox' \
	    '--maildir' \
	    '--internal --semi-internal -r --recipient' \
	    '-a --annotate --json' \
	    '-a --annotate --mbox --maildir'
}

complete -F _mp_classify mp-classify
