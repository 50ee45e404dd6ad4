#!/bin/sh
# Makes the Python virtual environment of the build tree from the one pinned
# requirements file, and checks that each package imports.
#
#   sh mk/venv.sh [DIR]      DIR defaults to build/venv
#
# Debian's /usr/bin/python3, never another python on PATH: the VM guest
# mounts the host's /usr read-only and runs the tests from the project tree,
# so a venv made on /usr/bin/python3 works there too.  The venv is made anew
# only when mk/requirements.txt changes (DIR/.requirements.sha256 holds the
# hash of the file it was made from, written last, so an interrupted run is
# redone).  Needs network access to PyPI the first time.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
req=$top/mk/requirements.txt
dir=${1:-$top/build/venv}
py=/usr/bin/python3
stamp=$dir/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)

[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0

echo "venv: making $dir from mk/requirements.txt"
rm -rf "$dir"
"$py" -m venv "$dir"
# --no-deps: the file pins every package, dependencies included; pip check
# then proves the set consistent.
"$dir/bin/pip" install --quiet --no-input --disable-pip-version-check \
	--no-deps --require-virtualenv -r "$req"
"$dir/bin/pip" check
# TensorFlow logs to stderr on import: shown only when an import fails.
TF_CPP_MIN_LOG_LEVEL=3 "$dir/bin/python" - 2>"$dir/import.log" <<'EOF' ||
import importlib
for name in ("numpy", "tensorflow", "tf_keras", "tensorflow_model_optimization",
             "ai_edge_litert.interpreter", "ethosu.vela", "dtschema"):
    importlib.import_module(name)
print("venv: numpy, tensorflow, tf_keras, tensorflow_model_optimization, "
      "ai_edge_litert, ethosu.vela and dtschema import")
EOF
{ cat "$dir/import.log" >&2; echo "venv: an import failed" >&2; exit 1; }
echo "$want" > "$stamp"
