#!/usr/bin/env bash
# README command 2: set up .venv with the test extra and run the whole test suite.
# The browser tests need Debian's chromium: installed here with apt-get when we are root and it is
# missing (elsewhere those tests are skipped, unless CLEANROOM_NB_REQUIRE_BROWSER=1 makes them fail).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
   && [ "$(id -u)" = 0 ]; then
  echo "installing Debian chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# pytest exits non-zero when a test fails and 5 when no test ran: both fail this script.
exec .venv/bin/python -m pytest "$@"
