#!/usr/bin/env bash
# Builds a Linux app image (default) or .deb package of Evo2 Workbench with the JDK's jpackage.
#   installers/jpackage-linux.sh [app-image|deb]
# Output: installers/target/. The launcher opens the window; with arguments it runs the evo2wb command instead
# (for example: evo2wb/bin/evo2wb inspect file.gb).
#
# jpackage's launcher can pass Java options but cannot set environment variables or preload a native library, and
# the allocator must be chosen before the process starts. So the app image is built first, its launcher renamed
# bin/evo2wb-java (with its lib/app/evo2wb-java.cfg), and bin/evo2wb becomes a shell script (linux/evo2wb-launcher.sh)
# that preloads jemalloc with MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 when the machine has it
# (linux/native-allocator.sh, the same file the ./evo2wb launcher of a checkout sources) and starts evo2wb-java.
# A .deb is then packaged from that image.
set -euo pipefail

type="${1:-app-image}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/installers/target"
input="$out/input"

# The project version is the first <version> of the root pom; jpackage wants plain numbers.
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -1)"
version="${version%-SNAPSHOT}"
[[ "$version" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] || version="0.1.0"

rm -rf "$out"
mkdir -p "$input"
(cd "$root" && mvn -B -q -DskipTests -pl app -am package dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$input")
cp "$root"/app/target/app-*.jar "$input/"

common=(
    --name evo2wb
    --app-version "$version"
    --vendor "Evo2 Workbench"
    --description "Fine-tune and use the Evo 2 DNA language model from a desktop workbench."
)
image_dest="$out"
[[ "$type" == app-image ]] || image_dest="$out/image"
jpackage --type app-image --dest "$image_dest" "${common[@]}" \
    --input "$input" \
    --main-jar "$(basename "$root"/app/target/app-*.jar)" \
    --main-class org.evo2wb.app.cli.Evo2wbCli \
    --arguments gui \
    --java-options "-Dai.djl.offline=true"

image="$image_dest/evo2wb"
mv "$image/bin/evo2wb" "$image/bin/evo2wb-java"
mv "$image/lib/app/evo2wb.cfg" "$image/lib/app/evo2wb-java.cfg"
install -m 755 "$root/installers/linux/evo2wb-launcher.sh" "$image/bin/evo2wb"
install -m 644 "$root/installers/linux/native-allocator.sh" "$image/lib/native-allocator.sh"

if [[ "$type" != app-image ]]; then
    args=(--type "$type" --dest "$out" "${common[@]}" --app-image "$image")
    if [[ "$type" == deb ]]; then
        args+=(--linux-package-deps libgtk-3-0 --linux-shortcut --linux-menu-group Science
               --linux-app-category science)
    fi
    jpackage "${args[@]}"
fi
echo "Built $type in $out" >&2
