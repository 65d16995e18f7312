#!/usr/bin/env bash
# bin/evo2wb of the Linux app image: jpackage's launcher cannot set environment variables or preload a library, so
# this script does (native-allocator.sh, DJL_OFFLINE) and then starts jpackage's launcher, renamed evo2wb-java.
# Without arguments it opens the window; with arguments it is the evo2wb command.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
# shellcheck source=native-allocator.sh
source "$here/../lib/native-allocator.sh"
export DJL_OFFLINE=true
exec "$here/evo2wb-java" "$@"
