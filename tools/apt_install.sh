#!/usr/bin/env bash
# Install Debian packages a test needs, when they are missing. Called by `make test` (Chromium and its driver for the
# static site's browser test; PostgreSQL for the distillation search's multi-worker test) and `make site-test`.
#
#   tools/apt_install.sh [--required] --check 'SHELL TEST' --for 'WHAT NEEDS THEM' PACKAGE...
#
# - the check succeeds (e.g. `command -v chromedriver`): nothing to do.
# - root: `apt-get install -y -q PACKAGE...`; when that fails (say the package lists are stale or empty, as on a fresh
#   machine), `apt-get update -q` and one retry. Not root: the same through `sudo -n` when sudo works without a password.
# - otherwise (no apt-get, no sudo, install failed): a message saying what to install. The exit status is non-zero in
#   CI (CI=true) or with --required; elsewhere it is 0, and the test that needs the packages skips with its own message.
# apt's output goes to a log in a temporary folder; only its tail is shown, on failure.
set -uo pipefail

required=false; check=""; what=""; PKGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --required) required=true ;;
    --check) check="$2"; shift ;;
    --for) what="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "apt_install.sh: unknown option $1" >&2; exit 2 ;;
    *) PKGS+=("$1") ;;
  esac
  shift
done
if [ -z "$check" ] || [ ${#PKGS[@]} -eq 0 ]; then echo "apt_install.sh: give --check 'TEST' and at least one package (--help)" >&2; exit 2; fi
have() { bash -c "$check" >/dev/null 2>&1; }
have && exit 0

give_up() {  # $1: why
  {
    echo "apt_install.sh: $1"
    echo "  ${what:-The tests} need${what:+s} Debian's ${PKGS[*]}. Install them with"
    echo "    sudo apt-get install ${PKGS[*]}"
  } >&2
  if [ "${CI:-}" = true ] || $required; then exit 1; fi
  exit 0
}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  give_up "${PKGS[*]} missing, and installing needs root (not root, and no password-less sudo)."
fi
command -v apt-get >/dev/null 2>&1 || give_up "${PKGS[*]} missing, and there is no apt-get to install them with."

logdir="$(mktemp -d "${TMPDIR:-/tmp}/compressbook-apt-XXXXXX")" || give_up "cannot create a temporary folder for apt's log."
log="$logdir/apt.log"
apt() {  # apt-get, as root, non-interactive, output to the log; waits up to 2 min for another apt to finish
  echo "+ apt-get $*" >>"$log"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@" </dev/null >>"$log" 2>&1
}

echo "apt_install.sh: installing ${PKGS[*]} with apt-get, for ${what:-the tests} (log: $log)"
if ! apt install -y -q "${PKGS[@]}"; then
  echo "apt_install.sh: apt-get install failed; updating the package lists and retrying once"
  apt update -q && apt install -y -q "${PKGS[@]}"
fi
if have; then
  echo "apt_install.sh: installed ${PKGS[*]}"
  rm -rf "$logdir"
  exit 0
fi
echo "apt_install.sh: the last lines of $log:" >&2
tail -n 15 "$log" | sed 's/^/  | /' >&2
give_up "installing ${PKGS[*]} with apt-get failed (full log: $log)."
