#!/usr/bin/env bash
# README command 2: set up .venv with the test extra and run the whole test suite.
# The browser tests need Debian's chromium: installed here with apt-get when we are root and it is
# missing (elsewhere those tests are skipped, unless CLEANROOM_NB_REQUIRE_BROWSER=1 makes them fail).
set -euo pipefail
cd "$(dirname "$0")/.."
# apt-get runs while the venv is installed; the script waits for both before the tests.
apt_pid=""
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
   && [ "$(id -u)" = 0 ]; then
  echo "installing Debian chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } &
  apt_pid=$!
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check "uv>=0.4"
# uv installs the test extra in seconds where pip takes minutes; it trusts the system's roots,
# as pip does (a registry mirror behind an in-house certificate authority)
export UV_NATIVE_TLS=1
if [ -z "${SSL_CERT_FILE:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
fi
.venv/bin/python -m uv pip install -q --python .venv/bin/python -e '.[test]'
if [ -n "$apt_pid" ]; then
  wait "$apt_pid" || { echo "apt-get could not install chromium" >&2; exit 1; }
fi
# pytest exits non-zero when a test fails and 5 when no test ran: both fail this script.
# Two workers (pytest-xdist; CLEANROOM_NB_WORKERS=0 runs in one process): measured on 2 cores,
# the whole suite took 571 s in one process and 300 s on two (it waits on browsers, kernels and
# servers part of the time).
exec .venv/bin/python -m pytest -n "${CLEANROOM_NB_WORKERS:-2}" --dist loadfile "$@"
