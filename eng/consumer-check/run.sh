#!/usr/bin/env bash
# Consumer check: packs the packable projects into a temporary local folder feed, then restores, builds and
# runs a fresh console project (this folder, copied to a temporary directory) that references PartUploader
# and PartUploader.Emulator by version only and uploads a file to the packed emulator; then installs the
# PartUploader.Cli tool from the same feed into a temporary tool path and runs it.
#
#   bash eng/consumer-check/run.sh [--no-build]    # --no-build: pack what the Release build left
#
# Restores into a temporary global packages folder, so a stale cached package with the same version can
# never stand in for the one just packed. Exit code 0 when the upload round-trips byte-identical.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
pack_args=()
[ "${1:-}" = "--no-build" ] && pack_args+=(--no-build)

work="$(mktemp -d "${TMPDIR:-/tmp}/partuploader-consumer-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/app/feed"

echo "consumer-check: packing into a local feed"
dotnet pack "$repo/PartUploader.sln" -c Release "${pack_args[@]}" -o "$work/app/feed" -warnaserror --nologo -v quiet

nupkg=$(cd "$work/app/feed" && ls PartUploader.Emulator.*.nupkg | grep -v '\.snupkg$' | head -n1)
version="${nupkg#PartUploader.Emulator.}"
version="${version%.nupkg}"
for id in PartUploader PartUploader.Emulator PartUploader.Cli; do
  for ext in nupkg snupkg; do
    [ -f "$work/app/feed/$id.$version.$ext" ] || { echo "consumer-check: $id.$version.$ext was not packed" >&2; exit 1; }
  done
done
echo "consumer-check: packed version $version:"
(cd "$work/app/feed" && ls -1)

cp "$repo/eng/consumer-check/"{ConsumerCheck.csproj,Program.cs,nuget.config,Directory.Build.props,Directory.Build.targets,Directory.Packages.props} "$work/app/"
export NUGET_PACKAGES="$work/packages"
cd "$work/app"
echo "consumer-check: restore, build and run against PartUploader $version"
dotnet restore -p:PartUploaderVersion="$version" --nologo -v quiet
dotnet build -c Release --no-restore -p:PartUploaderVersion="$version" --nologo -v quiet
dotnet run -c Release --no-build -p:PartUploaderVersion="$version" -- "$version"

echo "consumer-check: dotnet tool install PartUploader.Cli $version"
dotnet tool install PartUploader.Cli --version "$version" --tool-path "$work/tools" >/dev/null
"$work/tools/partupload" --version | tee "$work/tool-version.txt"
grep -q "^$version" "$work/tool-version.txt" || { echo "consumer-check: the installed tool reports another version" >&2; exit 1; }
set +e
"$work/tools/partupload" upload "$work/none.bin" --catalog hrn:here:data::emulator:demo --layer versioned 2>/dev/null
code=$?
set -e
[ "$code" -eq 2 ] || { echo "consumer-check: the installed tool exited $code for a missing file (expected 2)" >&2; exit 1; }

# The installed tool end to end: its emulator in the background, an upload through it, a status check.
"$work/tools/partupload" emulator --json > "$work/emulator.json" 2> "$work/emulator.err" &
emulator_pid=$!
trap 'kill -TERM "$emulator_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ -s "$work/emulator.json" ] && break; sleep 0.2; done
field() { sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\1/p" "$work/emulator.json"; }
[ -n "$(field lookupUrl)" ] || { echo "consumer-check: the tool's emulator did not start" >&2; cat "$work/emulator.err" >&2; exit 1; }
head -c 7000000 /dev/urandom > "$work/tool-upload.bin"
target=(--catalog "$(field catalog)" --layer "$(field layer)" --credentials "$(field credentialsFile)" --lookup-url "$(field lookupUrl)")
"$work/tools/partupload" upload "$work/tool-upload.bin" "${target[@]}" --handle tool-upload
"$work/tools/partupload" status "${target[@]}" --handle tool-upload
kill -TERM "$emulator_pid"
wait "$emulator_pid" || { echo "consumer-check: the tool's emulator did not stop cleanly" >&2; exit 1; }
echo "consumer-check: OK"
