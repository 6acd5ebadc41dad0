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
# The packs here are unstamped (no -p:Version): they carry the version the repository states in eng/Packaging.props.
stated=$(sed -nE 's|.*<PartUploaderVersion>([^<]+)</PartUploaderVersion>.*|\1|p' "$repo/eng/Packaging.props")
if [ "$version" != "$stated" ]; then
  echo "consumer-check: packed version $version, but eng/Packaging.props states $stated" >&2
  exit 1
fi
echo "consumer-check: packed version $version:"
(cd "$work/app/feed" && ls -1)

# Each package depends on exactly what it uses: the dependency ids in its packed .nuspec, compared as a set.
# A new dependency (or a dropped one) is a deliberate change to this list, reviewed with the package.
declare -A expected_dependencies=(
  [PartUploader]="Microsoft.Extensions.Configuration.Abstractions Microsoft.Extensions.Configuration.Binder Microsoft.Extensions.Http Microsoft.Extensions.Logging.Abstractions Microsoft.Extensions.Options Microsoft.Extensions.Options.ConfigurationExtensions Polly.Core Polly.Extensions Refit System.IO.Hashing"
  [PartUploader.Emulator]="System.IO.Hashing"
  [PartUploader.Cli]=""
)
nuspec() {
  if command -v unzip >/dev/null 2>&1; then unzip -p "$1" '*.nuspec'
  else python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); sys.stdout.write(next(z.read(n).decode() for n in z.namelist() if n.endswith(".nuspec")))' "$1"; fi
}
for id in "${!expected_dependencies[@]}"; do
  spec=$(nuspec "$work/app/feed/$id.$version.nupkg")
  actual=$(printf '%s\n' "$spec" | sed -nE 's/.*<dependency id="([^"]+)".*/\1/p' | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
  wanted=$(printf '%s\n' ${expected_dependencies[$id]} | grep . | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//' || true)
  if [ "$actual" != "$wanted" ]; then
    echo "consumer-check: $id depends on [$actual], expected [$wanted]" >&2
    exit 1
  fi
  for element in '<icon>icon.png</icon>' '<releaseNotes>' '<readme>README.md</readme>'; do
    printf '%s\n' "$spec" | grep -qF "$element" || { echo "consumer-check: $id.nuspec lacks $element" >&2; exit 1; }
  done
  echo "consumer-check: $id dependencies: ${actual:-none}"
done

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
