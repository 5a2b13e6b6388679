# Sourced by the packaging tests: `check DESCRIPTION COMMAND...` runs a
# command quietly, prints ok/FAIL (with the tail of its output on failure)
# and keeps its output in $work/last.log for the next check to grep;
# `fails COMMAND...` inverts a command; `finish NAME` reports and exits.
# The sourcing script sets $work (a scratch directory) first.
fail=0
check() { # description, command...
  local what=$1
  shift
  if "$@" >"$work/check.log" 2>&1; then
    echo "ok: $what"
  else
    echo "FAIL: $what"
    sed 's/^/    /' "$work/check.log" | tail -20
    fail=1
  fi
  mv "$work/check.log" "$work/last.log"
}
fails() { ! "$@"; }
finish() { # test name
  if [ "$fail" -ne 0 ]; then
    echo "$1 FAILED"
    exit 1
  fi
  echo "$1 passed"
}
