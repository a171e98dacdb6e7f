#!/usr/bin/env bash
# Make Debian's `chromium` and `chromium-driver` available for the static site's browser test (tools/site_test.py).
# Called by `make test` and `make site-test` before their tests run.
#
#   tools/install_browser.sh [--required]
#
# - `chromedriver` already on PATH: nothing to do.
# - root: `apt-get install -y -q chromium chromium-driver`; when that fails (say the package lists are stale or
#   empty, as on a fresh machine), `apt-get update -q` and one retry. Not root: the same through `sudo -n` when
#   sudo works without a password.
# - otherwise (no apt-get, no sudo, install failed): a message saying what to install. The exit status is non-zero
#   in CI (CI=true) or with --required (`make site-test`, which cannot do without a browser); elsewhere it is 0 and
#   tools/check.py skips the browser test with its own message.
# apt's output goes to a log in a temporary folder; only its tail is shown, on failure.
set -uo pipefail

required=false
for a in "$@"; do
  case "$a" in
    --required) required=true ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install_browser.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done

command -v chromedriver >/dev/null 2>&1 && exit 0

PKGS=(chromium chromium-driver)

give_up() {  # $1: why
  {
    echo "install_browser.sh: $1"
    echo "  The static site's browser test needs Chromium and ChromeDriver. Install them with"
    echo "    sudo apt-get install chromium chromium-driver"
    echo "  (Debian/Ubuntu), or on other systems a Chromium and the matching ChromeDriver, both on PATH."
  } >&2
  if [ "${CI:-}" = true ] || $required; then exit 1; fi
  exit 0
}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  give_up "chromedriver is not on PATH, and installing it needs root (not root, and no password-less sudo)."
fi
command -v apt-get >/dev/null 2>&1 || give_up "chromedriver is not on PATH, and there is no apt-get to install it with."

logdir="$(mktemp -d "${TMPDIR:-/tmp}/compressbook-apt-XXXXXX")" || give_up "cannot create a temporary folder for apt's log."
log="$logdir/apt.log"
apt() {  # apt-get, as root, non-interactive, output to the log; waits up to 2 min for another apt to finish
  echo "+ apt-get $*" >>"$log"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@" </dev/null >>"$log" 2>&1
}

echo "install_browser.sh: installing ${PKGS[*]} with apt-get (log: $log)"
if ! apt install -y -q "${PKGS[@]}"; then
  echo "install_browser.sh: apt-get install failed; updating the package lists and retrying once"
  apt update -q && apt install -y -q "${PKGS[@]}"
fi
if command -v chromedriver >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; then
  echo "install_browser.sh: $(chromium --version 2>/dev/null | head -1), $(chromedriver --version 2>/dev/null | head -1 | cut -d' ' -f1-2)"
  rm -rf "$logdir"
  exit 0
fi
echo "install_browser.sh: the last lines of $log:" >&2
tail -n 15 "$log" | sed 's/^/  | /' >&2
give_up "installing ${PKGS[*]} with apt-get failed (full log: $log)."
