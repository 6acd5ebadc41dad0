#!/usr/bin/env bash
# Publishes a directory as ONE publication fed by N local worker processes:
#   publication init -> N x publication add --shard k/N (in parallel) -> publication submit -> publication wait
#
# usage: run-local.sh <dir> <workers> --catalog <hrn> --layer <id> [--credentials <file>] [--lookup-url <url>]
#        run-local.sh <dir> <workers> --emulator
#
# The CLI command comes from $PARTUPLOAD (default: partupload). It is split on whitespace, so it may be
# "dotnet path/to/partupload.dll" (but no path with a space in it).
# --emulator starts 'partupload emulator --port 0 --json', publishes to it and stops it at exit.
# Stdout gets one line, "<publication id><TAB><state>", on success; every other message goes to stderr.
# Exit codes: 0 published; 1 a step failed (a publication not yet submitted is cancelled first); 2 bad usage;
# 130/143 interrupted.
set -euo pipefail

me=$(basename "$0")
usage() {
  echo "usage: $me <dir> <workers> (--catalog <hrn> --layer <id> [--credentials <file>] [--lookup-url <url>] | --emulator)" >&2
  exit 2
}
say() { echo "$me: $*" >&2; }
die() {
  say "$*"
  exit 1
}

[ $# -ge 2 ] || usage
dir=$1
workers=$2
shift 2
[ -d "$dir" ] || { say "'$dir' is not a directory"; usage; }
[[ $workers =~ ^[1-9][0-9]*$ ]] || { say "<workers> must be a positive integer, not '$workers'"; usage; }

catalog='' layer='' credentials='' lookup_url='' emulator=0
while [ $# -gt 0 ]; do
  case $1 in
    --catalog | --layer | --credentials | --lookup-url)
      [ $# -ge 2 ] || { say "$1 needs a value"; usage; }
      case $1 in
        --catalog) catalog=$2 ;;
        --layer) layer=$2 ;;
        --credentials) credentials=$2 ;;
        --lookup-url) lookup_url=$2 ;;
      esac
      shift 2
      ;;
    --emulator)
      emulator=1
      shift
      ;;
    *)
      say "unknown argument '$1'"
      usage
      ;;
  esac
done
if [ "$emulator" = 1 ]; then
  [ -z "$catalog$layer$credentials$lookup_url" ] || { say "--emulator takes no connection arguments"; usage; }
else
  if [ -z "$catalog" ] || [ -z "$layer" ]; then
    say "--catalog and --layer are required (or --emulator)"
    usage
  fi
fi

read -r -a cli <<<"${PARTUPLOAD:-partupload}" || true
[ "${#cli[@]}" -gt 0 ] || die "PARTUPLOAD is empty"

# State for the exit trap: what to undo.
tmp=$(mktemp -d)
emulator_pid=''
conn=()
publication=''
submitted=0
worker_pids=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Workers still running (the script was interrupted): SIGTERM makes each cancel its uploads; wait for them.
  local pid
  for pid in "${worker_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${worker_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ] && [ -n "$publication" ] && [ "$submitted" = 0 ]; then
    say "cancelling publication $publication"
    "${cli[@]}" publication cancel --publication "$publication" "${conn[@]}" >&2 ||
      say "the cancel failed: publication $publication stays initialized until it expires"
  fi
  if [ -n "$emulator_pid" ]; then
    exec 3<&- || true
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# json_field <name> <one-line JSON document>: the string value of a top-level field (no escapes expected).
json_field() { sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p' <<<"$2"; }

if [ "$emulator" = 1 ]; then
  # The emulator prints one JSON line and then runs until SIGTERM. A FIFO kept open on fd 3 lets us read that
  # line without polling; if the emulator dies first, the read sees end of file.
  mkfifo "$tmp/emulator.out"
  "${cli[@]}" emulator --port 0 --json >"$tmp/emulator.out" 2>"$tmp/emulator.err" &
  emulator_pid=$!
  exec 3<"$tmp/emulator.out"
  IFS= read -r started <&3 || { cat "$tmp/emulator.err" >&2; die "the emulator did not start"; }
  catalog=$(json_field catalog "$started")
  layer=$(json_field layer "$started")
  credentials=$(json_field credentialsFile "$started")
  lookup_url=$(json_field lookupUrl "$started")
  if [ -z "$catalog" ] || [ -z "$layer" ] || [ -z "$credentials" ] || [ -z "$lookup_url" ]; then
    die "unexpected emulator output: $started"
  fi
  say "emulator on $lookup_url (catalog $catalog, layer $layer)"
fi

conn=(--catalog "$catalog" --layer "$layer")
[ -z "$credentials" ] || conn+=(--credentials "$credentials")
[ -z "$lookup_url" ] || conn+=(--lookup-url "$lookup_url")

# 1. init, once.
initialized=$("${cli[@]}" publication init "${conn[@]}" --json) || die "publication init failed"
publication=$(json_field publication "$initialized")
[ -n "$publication" ] || die "unexpected output of publication init: $initialized"
say "publication $publication initialized; starting $workers worker(s)"

# 2. one 'add' process per shard, in parallel. Their stdout ("<id> <state>") goes to stderr: ours is the result.
for ((k = 0; k < workers; k++)); do
  "${cli[@]}" publication add "$dir" --publication "$publication" --shard "$k/$workers" "${conn[@]}" >&2 &
  worker_pids+=("$!")
done
failed=0
for k in "${!worker_pids[@]}"; do
  if wait "${worker_pids[$k]}"; then
    :
  else
    rc=$?
    say "worker $k/$workers failed (exit $rc)"
    failed=$((failed + 1))
  fi
done
worker_pids=()
[ "$failed" -eq 0 ] || die "$failed of $workers worker(s) failed; nothing is submitted"

# 3. submit, once. From here on the publication cannot be cancelled.
"${cli[@]}" publication submit --publication "$publication" "${conn[@]}" >&2 || die "publication submit failed"
submitted=1

# 4. wait for the outcome; its "<id> <state>" line is the script's result.
result=$("${cli[@]}" publication wait --publication "$publication" "${conn[@]}") ||
  die "publication $publication was submitted but did not succeed (wait again with 'partupload publication wait --publication $publication ...')"
echo "$result"
