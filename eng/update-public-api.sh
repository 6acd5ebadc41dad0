#!/usr/bin/env bash
# Rewrites PublicAPI.Unshipped.txt of the API-tracked projects from the build's own diagnostics:
#   RS0016 "Symbol 'X' is not part of the declared public API"      -> X is added
#   RS0017 "Symbol 'X' is part of the declared API, but is ..."      -> X is removed
# There is no IDE code fix on a build machine; this is the same edit, done from the command line.
# Review the diff afterwards: every line is a public change.
#
#   eng/update-public-api.sh                      # src/PartUploader and src/PartUploader.Emulator
#   eng/update-public-api.sh src/PartUploader     # one project (a directory holding one .csproj)
#
# Idempotent: it repeats until the build reports neither diagnostic (at most 3 rounds).
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(src/PartUploader src/PartUploader.Emulator)

for dir in "${projects[@]}"; do
  dir="${dir%/}"
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  [ -f "$unshipped" ] || printf '#nullable enable\n' > "$unshipped"
  for round in 1 2 3; do
    log=$(mktemp)
    # -p:TreatWarningsAsErrors=false keeps other warnings from hiding the RS diagnostics; --no-incremental makes
    # the compiler (and so the analyzer) run even when nothing changed since the last build.
    dotnet build "$dir" -c Release --no-incremental -nologo -v quiet -p:TreatWarningsAsErrors=false \
      "-clp:NoSummary;ForceNoAlign" > "$log" 2>&1 || true
    added=$(sed -nE "s/.*(warning|error) RS0016: Symbol '(.*)' is not part of the declared (public )?API.*/\2/p" "$log" | sort -u)
    removed=$(sed -nE "s/.*(warning|error) RS0017: Symbol '(.*)' is part of the declared API, but .*/\2/p" "$log" | sort -u)
    if grep -qE "error (CS|MSB|NU)[0-9]+" "$log"; then
      echo "update-public-api: $dir does not build for another reason:" >&2
      grep -E "error (CS|MSB|NU)[0-9]+" "$log" | sort -u | head -20 >&2
      rm -f "$log"
      exit 1
    fi
    rm -f "$log"
    if [ -z "$added" ] && [ -z "$removed" ]; then
      echo "update-public-api: $dir is up to date"
      break
    fi
    echo "update-public-api: $dir: +$(printf '%s' "$added" | grep -c . || true) -$(printf '%s' "$removed" | grep -c . || true) (round $round)"
    {
      grep -v '^#nullable enable$' "$unshipped" | grep -vxF -f <(printf '%s\n' "$removed") || true
      printf '%s\n' "$added"
    } | grep -v '^$' | LC_ALL=C sort -u > "$unshipped.tmp" || true
    { echo '#nullable enable'; cat "$unshipped.tmp"; } > "$unshipped"
    rm -f "$unshipped.tmp"
  done
done
