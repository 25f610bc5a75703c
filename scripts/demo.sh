#!/usr/bin/env bash
# README command 1: set up .venv and run the demo on the local AWS emulation (no credentials).
# Extra arguments go to `python -m cleanroom_nb demo`, e.g. --headless.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[demo]'
exec .venv/bin/python -m cleanroom_nb demo "$@"
