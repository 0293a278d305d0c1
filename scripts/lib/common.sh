# Shared settings for the project's scripts. Source it; do not run it.
# Every tool version is pinned here, and every cache entry is keyed by its version.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${PULUMI_DATABEND_CACHE:-$HOME/.cache/pulumi-databend}"

NODE_VERSION=22.23.3          # used only when the machine's node is older than 22
PULUMI_VERSION=3.274.1        # the CLI, github.com/pulumi/pulumi/pkg/v3
LANGHOST_SDK_VERSION=3.68.0   # newest sdk/v3 module that still contains the Node language host
DATABEND_PY_VERSION=1.2.895   # PyPI `databend`, the embedded engine (needs CPython >= 3.12)
# Older engines the connection and stage suites also run against (scripts/test): the oldest PyPI
# `databend` (1.2.453, which already has CREATE CONNECTION) and the newest without ALTER STAGE and
# with the 9-column DESC STAGE layout (1.2.810).
DATABEND_MATRIX_VERSIONS="1.2.453 1.2.810"
MOTO_VERSION=5.2.5
YAML_LANGHOST_VERSION=1.25.0  # pulumi-language-yaml (github.com/pulumi/pulumi-yaml), for Pulumi YAML programs

PULUMI_DIR="$CACHE/pulumi-$PULUMI_VERSION-lh$LANGHOST_SDK_VERSION"
NODE_DIR="$CACHE/node-v$NODE_VERSION"
VENV_DIR="$CACHE/venv-databend$DATABEND_PY_VERSION-moto$MOTO_VERSION"
YAML_LANGHOST_DIR="$CACHE/pulumi-language-yaml-v$YAML_LANGHOST_VERSION"
TOOLS="$ROOT/.tools"

# The Python venv holding the embedded engine of PyPI `databend` version $1: the project's venv
# for the default version, else an engine-only venv keyed by version.
engine_venv() {
  if [ "$1" = "$DATABEND_PY_VERSION" ]; then echo "$VENV_DIR"; else echo "$CACHE/venv-databend$1"; fi
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Puts the project's toolchain first in PATH (after bootstrap).
use_tools() {
  export PATH="$TOOLS/bin:$PATH"
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export GOTOOLCHAIN=local
}
