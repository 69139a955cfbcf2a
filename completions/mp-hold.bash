# bash completion for mp-hold(1)                           -*- shell-script -*-

# the helpers every mp completion shares
if ! declare -F __mp_complete >/dev/null; then
	. "${BASH_SOURCE[0]%/*}/mp-common" 2>/dev/null ||
	    . "${BASH_SOURCE[0]%/*}/mp-common.bash"
fi

_mp_hold()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= words= w i form= opts keys
	local spool=/var/spool/mp/hold
	local -a ids=()

	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	# --opt=value arrives as --opt, = and value
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
	# which form of the command this is, and its spool (for the ids of
	# --show, --release and --discard); after -- come recipients, which
	# are not completed
	for (( i = 1; i < COMP_CWORD; i++ )); do
		w=${COMP_WORDS[i]}
		case $w in
		--)	COMPREPLY=()
			return 0 ;;
		--run|--list|--show|--show=*|--release|--release=*|--discard|\
		--discard=*|--purge) form=command ;;
		-f|--for|--for=*|--stagger|--stagger=*|--approve|--confirm|\
		--approver|--approver=*|--rule|--rule=*|--reason|--reason=*|\
		--override) [[ $form == command ]] || form=queue ;;
		--spool=*) spool=${w#--spool=} ;;
		--spool) w=${COMP_WORDS[i+1]}
			[[ $w == = ]] && w=${COMP_WORDS[i+2]}
			(( i + 1 < COMP_CWORD )) && spool=$w ;;
		esac
	done
	case $prev in
	--lang) words='ja en' ;;
	--state) words='held released approved sent discarded rejected
	    expired failed' ;;
	--show|--release|--discard)
		# the entries of the spool (readable by its owner only)
		for w in "$spool"/*; do
			w=${w##*/}
			[[ $w =~ ^[0-9a-f]{32}$ ]] && ids+=("$w")
		done
		words=${ids[*]}
		[[ -n $words ]] || return 0 ;;
	esac
	if [[ -n $words ]]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	# the operands are recipients: nothing to offer
	if [[ $cur != -* ]] && ! __mp_in "$prev" -c --config --spool \
	    --notice --notice-maildir --template-dir --snapshot; then
		COMPREPLY=()
		return 0
	fi
	# the key options and the common ones go with every form; the rest
	# with queueing or with the administrator's commands
	keys='--spool --sendmail --base-url --lang --notice --notice-maildir
	    --notice-cmd --notice-from --template-dir --snapshot
	    --approve-timeout --confirm-timeout'
	if [[ $form == command ]]; then
		opts="-c --config --now --syslog --state --sender --older-than
		    --json $keys -h --help --version"
	elif [[ $form == queue ]]; then
		opts="-c --config --for --stagger --approve --confirm --approver
		    --rule --reason --override --now --syslog -f $keys
		    -h --help --version"
	else
		opts="-c --config --for --stagger --approve --confirm --approver
		    --rule --reason --override --now --syslog -f --run --list
		    --state --sender --older-than --json --show --release
		    --discard --purge $keys -h --help --version"
	fi
	__mp_complete \
	    "$opts" \
	    '-c --config --notice --snapshot' \
	    '--spool --notice-maildir --template-dir' \
	    '--for --stagger --approver --rule --reason --now -f --sender
	     --older-than --sendmail --base-url --notice-cmd --notice-from
	     --approve-timeout --confirm-timeout' \
	    '--for --stagger --approve --confirm' \
	    '--run --list --show --release --discard --purge'
}

complete -F _mp_hold mp-hold
