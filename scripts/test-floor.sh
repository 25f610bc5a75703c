#!/usr/bin/env bash
# The floors: a second venv (.venv-floor) with the LOWEST version of every direct dependency
# pyproject declares (uv's --resolution lowest-direct: boto3 1.34.0, botocore 1.34.0, pandas
# 2.2.0, pyarrow 15.0.0, awswrangler 3.9.0, ipywidgets 8.1.0, ...), then the suites that touch AWS
# and data, and the headless demo (its last line: the configured audience model's ARN), on those
# versions. Extra arguments go to pytest.
# Needs only Python 3.11 and pip: uv is installed from the package index into the venv.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-floor/bin/python ]; then
  python3 -m venv .venv-floor
fi
.venv-floor/bin/python -m pip install -q --disable-pip-version-check "uv>=0.4"
# uv trusts its own bundled roots unless told otherwise: use the system's, as pip does (a
# registry mirror behind an in-house certificate authority is trusted there, not in uv's bundle)
export UV_NATIVE_TLS=1
if [ -z "${SSL_CERT_FILE:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
fi
.venv-floor/bin/python -m uv pip install -q --python .venv-floor/bin/python \
  --resolution lowest-direct -e '.[demo,test-core]'
.venv-floor/bin/python - <<'PY'
import importlib.metadata as md
names = ["boto3", "botocore", "pandas", "numpy", "pyarrow", "awswrangler", "ipywidgets", "moto"]
print("floor venv:", ", ".join(f"{n} {md.version(n)}" for n in names), flush=True)
PY
export CLEANROOM_NB_FLOOR=1
# submit/audience/aws/request: the AWS calls and the emulator, fault by fault (training datasets,
# audience models, configured audience models); glue/readiness/infer/local: the data paths
# (pandas, pyarrow, awswrangler, the local Athena). form/ and the notebooks need a browser or a
# kernel and test the widgets' views, not AWS or data: the main run covers them.
.venv-floor/bin/python -m pytest -q -p no:cacheprovider -n "${CLEANROOM_NB_WORKERS:-2}" \
  --dist loadfile -m "not browser and not notebook" \
  tests/submit tests/audience tests/aws tests/request tests/glue tests/readiness tests/infer \
  tests/fixes \
  tests/local --deselect tests/local/test_demo.py "$@"
echo "floor venv: python -m cleanroom_nb demo --headless"
# The demo goes from a DataFrame to a training dataset, an ACTIVE audience model and a configured
# audience model, and prints the configured audience model's ARN last (progress goes to stderr).
env -u AWS_ENDPOINT_URL -u AWS_PROFILE .venv-floor/bin/python -m cleanroom_nb demo --headless \
  > .venv-floor/demo.log 2> .venv-floor/demo.err \
  || { tail -40 .venv-floor/demo.log .venv-floor/demo.err; exit 1; }
grep -v '^[[:space:]]*$' .venv-floor/demo.log | tail -1 \
  | grep -E '^arn:aws:cleanrooms-ml:[a-z0-9-]+:[0-9]{12}:configured-audience-model/[^[:space:]]+$' \
  || { echo "the headless demo did not print a configured audience model's ARN last:"
       tail -20 .venv-floor/demo.log .venv-floor/demo.err; exit 1; }
