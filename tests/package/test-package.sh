#!/usr/bin/env bash
# test-package.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/turnstile-pkg.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
(cd "$build" && cpack -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; exit 1; }
deb=$(ls "$scratch"/out/*.deb)
echo "package: $deb"
dpkg-deb -I "$deb" | sed -n '1,20p'
dpkg -x "$deb" "$scratch/root"
for f in usr/bin/turnstile usr/bin/turnstilectl usr/share/applications/turnstile.desktop \
         usr/share/metainfo/io.github.turnstile.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/turnstile.svg \
         usr/share/turnstile/translations/turnstile_de.qm; do
    [[ -e $scratch/root/$f ]] || { echo "FAIL: $f missing from the package"; exit 1; }
done
out=$("$scratch/root/usr/bin/turnstilectl" --version)
echo "packaged turnstilectl says: $out"
[[ $out == "turnstilectl $version" ]] || { echo "FAIL: expected 'turnstilectl $version'"; exit 1; }
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$scratch/root/usr/share/applications/turnstile.desktop"
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net --explain "$scratch/root/usr/share/metainfo/io.github.turnstile.metainfo.xml"
fi
echo "package OK"
