#!/usr/bin/env bash
# Builds a Linux app image (default) or .deb package of Evo2 Workbench with the JDK's jpackage.
#   installers/jpackage-linux.sh [app-image|deb]
# Output: installers/target/. The launcher opens the window; with arguments it runs the evo2wb command instead
# (for example: "Evo2 Workbench/bin/evo2wb" inspect file.gb).
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

args=(
    --type "$type"
    --dest "$out"
    --name evo2wb
    --app-version "$version"
    --vendor "Evo2 Workbench"
    --description "Fine-tune and use the Evo 2 DNA language model from a desktop workbench."
    --input "$input"
    --main-jar "$(basename "$root"/app/target/app-*.jar)"
    --main-class org.evo2wb.app.cli.Evo2wbCli
    --arguments gui
    --java-options "-Dai.djl.offline=true"
)
if [[ "$type" == deb ]]; then
    args+=(--linux-package-deps libgtk-3-0 --linux-shortcut --linux-menu-group Science --linux-app-category science)
fi
jpackage "${args[@]}"
echo "Built $type in $out" >&2
