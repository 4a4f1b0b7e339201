#!/usr/bin/env bash
# Makes (once) a Python venv under $EMBODIA_HOME holding one pinned PyPI package, and prints
# its interpreter's path. The venvs of the tests' independent peers are made with it.
#   usage: pip-venv.sh CALLER VENV_NAME REQUIREMENT IMPORT_MODULE
# A venv whose module does not import is made again. Needs python3 with venv + pip; packages
# come from whatever index pip is configured to use.
set -euo pipefail
caller="$1" name="$2" want="$3" module="$4"
home="${EMBODIA_HOME:-$HOME/.cache/embodia}"
venv="$home/$name"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import $module" 2>/dev/null; then
  if ! command -v python3 >/dev/null; then
    echo "$caller: python3 not found. Fix: install Python 3 with venv and pip." >&2
    exit 1
  fi
  mkdir -p "$home"
  python3 -m venv "$venv" >&2 || {
    echo "$caller: could not create $venv. Fix: install python3-venv, or run: python3 -m venv $venv" >&2
    exit 1
  }
  "$venv/bin/pip" install --quiet "$want" >&2 || {
    echo "$caller: pip could not install $want. Fix: run $venv/bin/pip install $want with network access." >&2
    exit 1
  }
fi
echo "$venv/bin/python"
