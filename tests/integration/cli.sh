#!/bin/sh
# Command-line conventions of wardend, wardenctl and wardenmdm: --help
# prints the usage on stdout and exits 0, --version prints the version,
# an unknown command or option is one line on stderr naming it with a
# hint, exit 2, never the whole usage.
. "$(dirname "$0")/lib.sh"
MDM="$WARDEN_BIN/wardenmdm"
VERSION=$(sed -n 's/^#define WARDEN_VERSION "\(.*\)"/\1/p' \
	"${WARDEN_SRCTREE:-.}/agent/core/core.h")

for p in wardend wardenctl wardenmdm; do
	bin="$WARDEN_BIN/$p"
	out=$("$bin" --help 2>"$T/err")
	rc=$?
	if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q "^usage: $p" &&
	    [ ! -s "$T/err" ]; then
		ok "$p --help: usage on stdout, exit 0"
	else
		not_ok "$p --help: usage on stdout, exit 0" "exit $rc: $(cat "$T/err")"
	fi
	out=$("$bin" --version 2>&1)
	rc=$?
	[ $rc -eq 0 ] && [ "$out" = "$p $VERSION" ] &&
		ok "$p --version" || not_ok "$p --version" "exit $rc: $out"
	"$bin" --frobnicate >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	    grep -q "unknown option \"--frobnicate\" ($p --help" "$T/err"; then
		ok "$p: an unknown option is one line naming it, exit 2"
	else
		not_ok "$p: an unknown option is one line naming it, exit 2" \
			"exit $rc: $(cat "$T/err")"
	fi
done

expect_fail "wardend names an unknown short option" 2 \
	'unknown option "-x"' "$WARDEND" -dx
expect_fail "wardend names a missing argument" 2 \
	'missing argument of "-H"' "$WARDEND" -H
expect_fail "wardend names a stray argument" 2 \
	'unexpected argument "extra"' "$WARDEND" extra

for cmd in ctl mdm; do
	case $cmd in
	ctl) bin=$WARDENCTL p=wardenctl ;;
	mdm) bin=$MDM p=wardenmdm set -- --dir "$T/mdm" ;;
	esac
	[ $cmd = ctl ] && set --
	"$bin" "$@" frobnicate >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	    grep -q "unknown command \"frobnicate\" ($p --help" "$T/err"; then
		ok "$p: an unknown command is one line naming it, exit 2"
	else
		not_ok "$p: an unknown command is one line naming it, exit 2" \
			"exit $rc: $(cat "$T/err")"
	fi
done

for args in "attest --bogus" "retire --bogus" "provision --bogus"; do
	# shellcheck disable=SC2086
	"$WARDENCTL" $args >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	    grep -q "^wardenctl ${args% *}: unknown option \"--bogus\" (wardenctl --help" "$T/err"; then
		ok "wardenctl $args: one line naming it, exit 2"
	else
		not_ok "wardenctl $args: one line naming it, exit 2" \
			"exit $rc: $(cat "$T/err")"
	fi
done
expect_fail "wardenctl attest --audience: names the option missing its argument" \
	2 '^wardenctl attest: missing argument of "--audience"' \
	"$WARDENCTL" attest --audience

finish
