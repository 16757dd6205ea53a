#!/bin/sh
# Adds Inkling (this unpacked folder) to your applications menu, for you only; run it again after moving the folder.
# Undo: rm ~/.local/share/applications/io.github.inkling.Inkling.desktop ~/.local/share/icons/hicolor/*/apps/io.github.inkling.Inkling.*
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications"
cp -R "$here/share/icons" "$data/"
sed "s|^Exec=inkling|Exec=\"$here/inkling\"|" "$here/share/applications/io.github.inkling.Inkling.desktop" \
    > "$data/applications/io.github.inkling.Inkling.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "Inkling is in your applications menu (it runs $here/inkling)."
