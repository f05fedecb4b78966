#!/usr/bin/env bash
# Install (or remove) Backbone Studio's launcher entry and icons for the current user.
#
#   resources/install-desktop.sh                # from a checkout: the venv's `backbone-studio`
#   resources/install-desktop.sh --frozen       # from a checkout: dist/BackboneStudio (make app)
#   BackboneStudio/_internal/resources/install-desktop.sh   # inside a built bundle: that bundle
#   resources/install-desktop.sh --exec /opt/BackboneStudio/BackboneStudio
#   resources/install-desktop.sh --uninstall
#
# Writes ~/.local/share/applications/backbone-studio.desktop and
# ~/.local/share/icons/hicolor/<size>/apps/backbone-studio.{png,svg} (under $XDG_DATA_HOME when
# set, or --prefix DIR). Needs no root; touches nothing else.
set -euo pipefail

APP_ID="backbone-studio"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
MODE=install
EXEC=""
FROZEN=0

usage() {
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
    echo "install-desktop.sh: $*" >&2
    exit 1
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --uninstall) MODE=uninstall ;;
        --frozen) FROZEN=1 ;;
        --exec) [[ $# -ge 2 ]] || die "--exec needs the path of the program to start"; EXEC="$2"; shift ;;
        --exec=*) EXEC="${1#--exec=}" ;;
        --prefix) [[ $# -ge 2 ]] || die "--prefix needs a folder"; DATA_HOME="$2"; shift ;;
        --prefix=*) DATA_HOME="${1#--prefix=}" ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done

APPS_DIR="$DATA_HOME/applications"
ICONS_DIR="$DATA_HOME/icons/hicolor"
DESKTOP_FILE="$APPS_DIR/$APP_ID.desktop"

refresh_caches() {
    # Best effort: desktops also pick the files up without these tools, just later.
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$APPS_DIR" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f "$ICONS_DIR/index.theme" ]]; then
        gtk-update-icon-cache -q -t -f "$ICONS_DIR" 2>/dev/null || true
    fi
}

if [[ "$MODE" == uninstall ]]; then
    removed=0
    for f in "$DESKTOP_FILE" "$ICONS_DIR"/*/apps/"$APP_ID".png "$ICONS_DIR"/scalable/apps/"$APP_ID".svg; do
        if [[ -e "$f" ]]; then
            rm -f -- "$f"
            echo "removed $f"
            removed=$((removed + 1))
        fi
    done
    refresh_caches
    [[ $removed -gt 0 ]] || echo "Backbone Studio was not installed under $DATA_HOME; nothing to remove."
    exit 0
fi

# --- which program the launcher starts ---------------------------------------------------------
if [[ -z "$EXEC" ]]; then
    bundle_exe="$(cd "$HERE/../.." && pwd)/BackboneStudio"
    checkout="$(cd "$HERE/.." && pwd)"
    if [[ "$(basename "$(dirname "$HERE")")" == "_internal" && -x "$bundle_exe" ]]; then
        EXEC="$bundle_exe"  # this script lies inside a built bundle
    elif [[ $FROZEN -eq 1 ]]; then
        EXEC="$checkout/dist/BackboneStudio/BackboneStudio"
        [[ -x "$EXEC" ]] || die "no built app at $EXEC; build it first with 'make app'."
    elif [[ -x "$checkout/.venv/bin/backbone-studio" ]]; then
        EXEC="$checkout/.venv/bin/backbone-studio"
    else
        die "found neither a built app nor $checkout/.venv/bin/backbone-studio; run 'make run' (or 'make app' and pass --frozen), or name the program with --exec PATH."
    fi
fi
[[ "$EXEC" == /* ]] || EXEC="$(cd "$(dirname "$EXEC")" && pwd)/$(basename "$EXEC")"
[[ -x "$EXEC" ]] || die "$EXEC is not an executable file."

ICON_SOURCE="$HERE/icons"
[[ -f "$HERE/$APP_ID.desktop" ]] || die "$HERE/$APP_ID.desktop is missing; is this a complete checkout or bundle?"
compgen -G "$ICON_SOURCE/$APP_ID-*.png" >/dev/null || die "no icons found in $ICON_SOURCE ($APP_ID-<size>.png)."

# The Exec key is split like a shell command line: quote the path, escaping " ` $ \ inside the
# quotes, and double every backslash once more because the value itself is an escaped string.
exec_quoted="$EXEC"
if [[ "$EXEC" =~ [[:space:]\"\'\`\$\\\;\&\|\<\>\(\)\*\?\#~=%] ]]; then
    exec_quoted="$(printf '%s' "$EXEC" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g')"
    exec_quoted="\"$exec_quoted\""
fi

mkdir -p "$APPS_DIR"
tmp="$(mktemp "$APPS_DIR/.$APP_ID.XXXXXX")"
trap 'rm -f -- "$tmp"' EXIT
while IFS= read -r line || [[ -n "$line" ]]; do
    case "$line" in
        Exec=*)
            # keep the template's arguments (%F: the files a desktop hands over to open)
            args="${line#Exec=}"
            if [[ "$args" == *" "* ]]; then args=" ${args#* }"; else args=""; fi
            printf 'Exec=%s%s\n' "$exec_quoted" "$args" ;;
        TryExec=*) printf 'TryExec=%s\n' "$EXEC" ;;
        *) printf '%s\n' "$line" ;;
    esac
done <"$HERE/$APP_ID.desktop" >"$tmp"
chmod 644 "$tmp"
mv -f -- "$tmp" "$DESKTOP_FILE"
trap - EXIT
echo "installed $DESKTOP_FILE (starts $EXEC)"

for png in "$ICON_SOURCE/$APP_ID"-*.png; do
    size="${png##*-}"
    size="${size%.png}"
    [[ "$size" =~ ^[0-9]+$ ]] || continue
    install -D -m 644 "$png" "$ICONS_DIR/${size}x${size}/apps/$APP_ID.png"
done
if [[ -f "$ICON_SOURCE/$APP_ID.svg" ]]; then
    install -D -m 644 "$ICON_SOURCE/$APP_ID.svg" "$ICONS_DIR/scalable/apps/$APP_ID.svg"
fi
echo "installed icons under $ICONS_DIR"
refresh_caches
echo "Backbone Studio is now in your applications menu (log out and in if it does not show yet)."
