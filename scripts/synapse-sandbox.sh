#!/usr/bin/env bash
# A real Synapse for mxlint's end-to-end tests, and Synapse's own config loader as an oracle.
#
# Synapse is not packaged for Debian 12, so this builds a Debian sid chroot with sid's
# matrix-synapse package (see ../shared/reference/synapse-sandbox.md) in a cache folder outside
# the clone, and runs Synapse in it on 127.0.0.1 only.
#
#   synapse-sandbox.sh build              build the chroot once (1 to 3 min), reuse it afterwards
#   synapse-sandbox.sh start              start a fresh Synapse, register admin/alice/bob, write the env file
#                                         (exit 75 when the port is already in use)
#   synapse-sandbox.sh stop [--all|--stale]  stop it (safe when nothing runs) and unmount proc when unused;
#                                         --stale: stop those whose owner (MXLINT_SANDBOX_OWNER) died
#   synapse-sandbox.sh status             what is built, mounted and running (exit 0 if $PORT runs)
#   synapse-sandbox.sh oracle CONFIG...   how Synapse's loader reads a config (files and conf.d dirs, in -c order)
#   synapse-sandbox.sh oracle --batch CONFIG... [-- CONFIG...]...  several configs, one Python process, one JSON line each
#
# Environment:
#   MXLINT_SYNAPSE_ROOT    chroot location           (default /var/cache/mxlint/synapse-root)
#   MXLINT_SYNAPSE_PORT    loopback port             (default 8008)
#   MXLINT_SANDBOX_ENV     JSON file written by start (default /tmp/mxlint-sandbox.json, mode 0600)
#   MXLINT_DEBIAN_MIRROR   Debian mirror for build   (default http://deb.debian.org/debian)
#   MXLINT_SANDBOX_OWNER   pid of the process start runs for (a test runner): stop --stale stops
#                          those whose owner died; stop with it set stops only that owner's Synapse
#   MXLINT_SANDBOX_EXTRA_CONFIG  start: a YAML file whose top-level keys replace those of the
#                          generated homeserver.yaml (a Synapse with retention on, for example)
#   MXLINT_SANDBOX_APPSERVICE    start: when 1, also register an application service (a bridge's
#                          way to send events with old timestamps, ?ts=); its token and sender
#                          go to the env file under "appservice"
#
# Several runs may share one chroot (two test runs on different ports, oracle calls): every user
# of the chroot holds a shared lock on "$ROOT.use.lock" for as long as it lives (Synapse inherits
# it), and proc is unmounted only by someone who can take that lock exclusively.
# Tokens and passwords are written only to the env file, never to stdout or stderr.
# shellcheck disable=SC2016  # sh -c '...' scripts get their values as "$1"... on purpose
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
ROOT=$(realpath -m "${MXLINT_SYNAPSE_ROOT:-/var/cache/mxlint/synapse-root}")
readonly ROOT
readonly PORT=${MXLINT_SYNAPSE_PORT:-8008}
readonly ENV_FILE=${MXLINT_SANDBOX_ENV:-/tmp/mxlint-sandbox.json}
readonly MIRROR=${MXLINT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly SUITE=sid
readonly MARKER="$ROOT/.mxlint-complete"
readonly SERVER_NAME=test.local
readonly USERS=(admin alice bob)
readonly READY_TIMEOUT=90
readonly DATA_IN_CHROOT="/data-$PORT"      # per-port data dir, as seen inside the chroot
readonly DATA_DIR="$ROOT$DATA_IN_CHROOT"    # the same, as seen from the host
readonly PID_FILE="$DATA_DIR/synapse.pid"
readonly PORT_LOCK="$ROOT/data-$PORT.lock"  # held by start, then by the Synapse it starts
readonly EXIT_PORT_BUSY=75                  # start: the port is taken (callers may try another)
readonly BUILD_LOCK="$ROOT.build.lock"
readonly USE_LOCK="$ROOT.use.lock"
readonly MOUNT_LOCK="$ROOT.mount.lock"

log() { printf 'synapse-sandbox: %s\n' "$*" >&2; }
die() { printf 'synapse-sandbox: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e '/shellcheck/d' -e 's/^# \{0,1\}//' >&2
}

require_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap, chroot and mount need it); try: sudo $0 $*"
}

require_built() {
  [[ -f $MARKER ]] || die "no complete Synapse chroot at $ROOT; run: $0 build"
}

check_port_number() {
  if ! [[ $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
    die "MXLINT_SYNAPSE_PORT must be a port number, got '$PORT'"
  fi
}

# Run a command inside the chroot with a clean, predictable environment.
in_chroot() {
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "$@"
}

# ---------------------------------------------------------------------------------------------
# Mounts and the shared use lock

# Unmount every mount at or below $1, deepest first (a build debootstrap left behind, proc...).
unmount_all_under() {
  local dir=$1 mount_point
  while IFS= read -r mount_point; do
    [[ -n $mount_point ]] || continue
    mount_point=$(printf '%b' "$mount_point")   # mountinfo escapes spaces as \040
    umount "$mount_point" 2>/dev/null || umount -l "$mount_point" || die "cannot unmount $mount_point"
  done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

proc_mounted() { mountpoint -q "$ROOT/proc"; }

# Take the shared use lock (kept until this script exits, and by any process it starts), then
# mount proc if nobody has.
use_chroot() {
  exec {USE_FD}>>"$USE_LOCK"
  flock -s -w 60 "$USE_FD" || die "timed out waiting for $USE_LOCK"
  local mount_fd
  exec {mount_fd}>>"$MOUNT_LOCK"
  flock -w 60 "$mount_fd" || die "timed out waiting for $MOUNT_LOCK"
  proc_mounted || mount -t proc proc "$ROOT/proc" || die "cannot mount proc on $ROOT/proc"
  exec {mount_fd}>&-
}

# Drop our own use lock (if any) and unmount proc if no one else uses the chroot
# ($1 = quiet: say nothing when it is still in use).
release_chroot() {
  local quiet=${1:-}
  if [[ -n ${USE_FD:-} ]]; then
    exec {USE_FD}>&-
    USE_FD=
  fi
  [[ -d $ROOT/proc ]] || return 0
  local mount_fd use_fd
  exec {mount_fd}>>"$MOUNT_LOCK"
  flock -w 60 "$mount_fd" || { log "warning: timed out waiting for $MOUNT_LOCK; proc left mounted"; return 0; }
  exec {use_fd}>>"$USE_LOCK"
  if flock -n "$use_fd"; then
    if proc_mounted; then
      umount "$ROOT/proc" 2>/dev/null || umount -l "$ROOT/proc" || log "warning: cannot unmount $ROOT/proc"
    fi
  elif [[ -z $quiet ]]; then
    log "chroot still used by another Synapse or oracle run; leaving $ROOT/proc mounted"
  fi
  exec {use_fd}>&- {mount_fd}>&-
}

# ---------------------------------------------------------------------------------------------
# build

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  log "installing debootstrap with apt-get"
  apt-get -qq update >&2 || log "warning: apt-get update reported errors; trying the install anyway"
  DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends debootstrap >/dev/null \
    || die "cannot install debootstrap (apt-get install debootstrap)"
}

build_failed() {
  local status=$?
  ((status == 0)) && return 0
  log "build failed (exit $status); unmounting what it left under $ROOT (the next build starts over)"
  unmount_all_under "$ROOT" || true
}

cmd_build() {
  require_root build
  mkdir -p "$(dirname "$ROOT")"
  local build_fd started=$SECONDS version
  exec {build_fd}>>"$BUILD_LOCK"
  flock -n "$build_fd" || { log "another build is running; waiting for it"; flock -w 1800 "$build_fd" || die "timed out waiting for the other build"; }

  if [[ -f $MARKER ]]; then
    log "reusing complete chroot $ROOT (synapse $(head -n1 "$MARKER"))"
    return 0
  fi
  if [[ -e $ROOT ]]; then
    log "deleting incomplete chroot $ROOT"
    unmount_all_under "$ROOT"
    rm -rf --one-file-system "$ROOT"
  fi

  ensure_debootstrap
  trap build_failed EXIT
  log "debootstrap $SUITE into $ROOT (a few minutes; output in $ROOT.build.log)"
  : >"$ROOT.build.log"
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOT" "$MIRROR" >>"$ROOT.build.log" 2>&1 \
    || { tail -n 30 "$ROOT.build.log" >&2; die "debootstrap failed"; }

  # Never start services from maintainer scripts inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"

  log "installing matrix-synapse in the chroot"
  # debootstrap leaves sid's package lists in place and install uses them; no "apt-get update"
  # unless they are missing: a mirror serving a frozen snapshot has an expired Release file
  # ("is expired (invalid since ...)"), so that update ignores Valid-Until (signatures are still checked).
  { if ! compgen -G "$ROOT/var/lib/apt/lists/*_Packages" >/dev/null; then
      in_chroot apt-get -o Acquire::Check-Valid-Until=false update
    fi &&
    in_chroot DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends matrix-synapse &&
    in_chroot apt-get clean; } >>"$ROOT.build.log" 2>&1 \
    || { tail -n 30 "$ROOT.build.log" >&2; die "installing matrix-synapse failed"; }

  # What start and the oracle use must be there (PyYAML and signedjson come with synapse).
  in_chroot python3 -c 'import yaml, json, signedjson.key, synapse.config.homeserver' \
    || die "the chroot's python cannot import synapse's config loader"
  in_chroot sh -c 'command -v synapse_register_new_matrix_user' >/dev/null \
    || die "synapse_register_new_matrix_user is missing from the chroot"
  version=$(in_chroot python3 -c 'import synapse; print(synapse.__version__)')

  unmount_all_under "$ROOT"     # the build itself leaves nothing mounted
  printf '%s\n' "$version" >"$MARKER.tmp"
  mv "$MARKER.tmp" "$MARKER"
  trap - EXIT
  log "built $ROOT with synapse $version in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------------------------------------
# start

# True when 127.0.0.1:$1 can be bound (with SO_REUSEADDR, as Twisted does).
port_is_free() {
  in_chroot python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# Pid of the Synapse recorded for this port, if it still runs inside this chroot.
running_pid() {
  [[ -f $PID_FILE ]] || return 1
  local pid
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$ROOT" ]] || return 1
  printf '%s\n' "$pid"
}

# Kill a process group: TERM, then KILL after a few seconds.
kill_group() {
  local pgid=$1 i
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 -- "-$pgid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "Synapse (process group $pgid) ignored SIGTERM for 10 s; sending SIGKILL"
  kill -KILL -- "-$pgid" 2>/dev/null || true
  for ((i = 0; i < 25; i++)); do
    kill -0 -- "-$pgid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "warning: process group $pgid still alive after SIGKILL"
}

START_PID=
START_DONE=
start_cleanup() {
  [[ -n $START_DONE ]] && return 0
  log "start did not complete; cleaning up"
  if [[ -n $START_PID ]]; then
    kill_group "$START_PID"
    rm -f "$PID_FILE"
  fi
  rm -f "$ENV_FILE.tmp"
  release_chroot
}

generate_config() {
  in_chroot sh -c 'cd "$1" && exec python3 -m synapse.app.homeserver --server-name "$2" \
      --config-path "$1/homeserver.yaml" --generate-config --report-stats=no --data-directory "$1"' \
    sh "$DATA_IN_CHROOT" "$SERVER_NAME" >>"$DATA_DIR/setup.log" 2>&1 \
    || { tail -n 20 "$DATA_DIR/setup.log" >&2; die "synapse --generate-config failed"; }

  # Loopback only, very high rate limits, guests and room directory publication allowed.
  local extra=""
  if [[ -n ${MXLINT_SANDBOX_EXTRA_CONFIG:-} ]]; then
    [[ -f $MXLINT_SANDBOX_EXTRA_CONFIG ]] || die "MXLINT_SANDBOX_EXTRA_CONFIG: no such file: $MXLINT_SANDBOX_EXTRA_CONFIG"
    cp -- "$MXLINT_SANDBOX_EXTRA_CONFIG" "$DATA_DIR/extra.yaml"
    extra="$DATA_IN_CHROOT/extra.yaml"
  fi
  in_chroot python3 - "$DATA_IN_CHROOT/homeserver.yaml" "$PORT" "$extra" "${MXLINT_SANDBOX_APPSERVICE:-}" <<'PY' >>"$DATA_DIR/setup.log" 2>&1 \
    || die "cannot adjust the generated homeserver.yaml (see $DATA_DIR/setup.log)"
import os, secrets, sys, yaml

path, port, extra, appservice = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
with open(path) as f:
    cfg = yaml.safe_load(f)

cfg["listeners"] = [{
    "port": port, "tls": False, "type": "http", "x_forwarded": False,
    "bind_addresses": ["127.0.0.1"],
    "resources": [{"names": ["client", "federation"], "compress": False}],
}]
# Every rate limiter synapse/config/ratelimiting.py reads (Synapse 1.160).
high = {"per_second": 100000, "burst_count": 1000000}
for key in ("rc_message", "rc_registration", "rc_registration_token_validity",
            "rc_admin_redaction", "rc_joins_per_room", "rc_key_requests", "rc_3pid_validation",
            "rc_third_party_invite", "rc_media_create", "rc_delayed_event_mgmt",
            "rc_room_creation", "rc_reports", "rc_user_directory"):
    cfg[key] = dict(high)
cfg["rc_login"] = {k: dict(high) for k in ("address", "account", "failed_attempts")}
cfg["rc_joins"] = {k: dict(high) for k in ("local", "remote")}
cfg["rc_invites"] = {k: dict(high) for k in ("per_room", "per_user", "per_issuer")}
cfg["rc_presence"] = {"per_user": dict(high)}
cfg["rc_federation"] = {"window_size": 1000, "sleep_limit": 100000, "sleep_delay": 1,
                        "reject_limit": 100000, "concurrent": 1000}
cfg.setdefault("registration_shared_secret", secrets.token_urlsafe(32))
cfg.update({
    "server_name": "test.local",
    "report_stats": False,
    "enable_registration": False,
    "allow_guest_access": True,
    "room_list_publication_rules": [{"action": "allow"}],
    "trusted_key_servers": [],          # never reach out to matrix.org
    "suppress_key_server_warning": True,
    "enable_metrics": False,
    "url_preview_enabled": False,
})
if appservice:
    # A bridge-like appservice: no URL (Synapse pushes nothing), a namespace of its own.
    registration = os.path.join(os.path.dirname(path), "appservice.yaml")
    with open(os.open(registration, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        yaml.safe_dump({"id": "mxlint-e2e-bridge", "url": None, "as_token": secrets.token_urlsafe(32),
                        "hs_token": secrets.token_urlsafe(32), "sender_localpart": "mxlint-bridge",
                        "rate_limited": False,
                        "namespaces": {"users": [{"exclusive": True, "regex": "@mxlint-bridge_.*:test\\.local"}],
                                       "aliases": [], "rooms": []}}, f)
    cfg["app_service_config_files"] = [registration]
if extra:
    with open(extra) as f:
        cfg.update(yaml.safe_load(f) or {})
with open(path, "w") as f:
    yaml.safe_dump(cfg, f, sort_keys=False)
PY
}

wait_until_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$START_PID" 2>/dev/null; then
      log "Synapse exited during start-up; last lines of its logs:"
      tail -n 40 "$DATA_DIR/stdout.log" "$DATA_DIR/homeserver.log" >&2 2>/dev/null || true
      die "Synapse did not start"
    fi
    if in_chroot python3 -c 'import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=2).read()' \
      "http://127.0.0.1:$PORT/_matrix/client/versions" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  log "Synapse did not answer on 127.0.0.1:$PORT within $READY_TIMEOUT s; last lines of its logs:"
  tail -n 40 "$DATA_DIR/stdout.log" "$DATA_DIR/homeserver.log" >&2 2>/dev/null || true
  die "Synapse did not become ready"
}

# Register the test users, log each in and write the env file (tokens go only to that file).
register_and_login() {
  local user password_dir="$DATA_IN_CHROOT/passwords"
  mkdir -m 700 "$ROOT$password_dir"
  for user in "${USERS[@]}"; do
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$ROOT$password_dir/$user")
  done
  # It reads the shared secret from the config, the password from a file (never from argv).
  for user in "${USERS[@]}"; do
    in_chroot synapse_register_new_matrix_user -c "$DATA_IN_CHROOT/homeserver.yaml" -u "$user" \
      --password-file "$password_dir/$user" "$([[ $user == admin ]] && echo --admin || echo --no-admin)" \
      "http://127.0.0.1:$PORT" >>"$DATA_DIR/setup.log" 2>&1 \
      || { tail -n 20 "$DATA_DIR/setup.log" >&2; die "registering user $user failed"; }
  done

  (umask 077 && in_chroot python3 - "$PORT" "$password_dir" "$ROOT" "$START_PID" "$SERVER_NAME" "${USERS[@]}" \
    <<'PY' >"$ENV_FILE.tmp") || die "logging the test users in failed"
import json, sys, urllib.request, yaml
port, password_dir, root, pid, server_name, *users = sys.argv[1:]
base_url = f"http://127.0.0.1:{port}"
info = {"baseUrl": base_url, "serverName": server_name, "adminToken": None, "users": {},
        "root": root, "pid": int(pid), "port": int(port)}
for user in users:
    password = open(f"{password_dir}/{user}").read().strip()
    body = json.dumps({"type": "m.login.password", "password": password,
                       "identifier": {"type": "m.id.user", "user": user},
                       "initial_device_display_name": "mxlint e2e"}).encode()
    request = urllib.request.Request(f"{base_url}/_matrix/client/v3/login", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        login = json.load(response)
    info["users"][user] = {"userId": login["user_id"], "token": login["access_token"],
                           "deviceId": login["device_id"], "password": password}
    if user == "admin":
        info["adminToken"] = login["access_token"]
registration = f"{password_dir}/../appservice.yaml"
try:
    with open(registration) as f:
        service = yaml.safe_load(f)
    info["appservice"] = {"id": service["id"], "token": service["as_token"],
                          "userId": f"@{service['sender_localpart']}:{server_name}"}
except FileNotFoundError:
    pass
json.dump(info, sys.stdout, indent=2)
PY
  chmod 600 "$ENV_FILE.tmp"
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

cmd_start() {
  require_root start
  check_port_number
  require_built
  local pid started=$SECONDS
  if pid=$(running_pid); then
    die "a Synapse from this sandbox already runs on port $PORT (pid $pid); run: $0 stop"
  fi
  local port_fd
  exec {port_fd}>>"$PORT_LOCK"
  if ! flock -n "$port_fd" || ! port_is_free "$PORT"; then
    log "error: port $PORT on 127.0.0.1 is already in use; free it or set MXLINT_SYNAPSE_PORT to another port"
    exit "$EXIT_PORT_BUSY"
  fi

  trap start_cleanup EXIT
  use_chroot
  rm -rf --one-file-system "$DATA_DIR"
  mkdir -m 700 "$DATA_DIR"
  generate_config

  log "starting Synapse on http://127.0.0.1:$PORT (data $DATA_DIR)"
  # setsid: its own session and process group, so stop can kill everything it spawns.
  # It inherits our shared use lock on the chroot and keeps it while it lives.
  setsid chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
    sh -c 'cd "$1" && exec python3 -m synapse.app.homeserver -c "$1/homeserver.yaml"' sh "$DATA_IN_CHROOT" \
    </dev/null >"$DATA_DIR/stdout.log" 2>&1 &
  START_PID=$!
  printf '%s\n' "$START_PID" >"$PID_FILE"
  [[ -z ${MXLINT_SANDBOX_OWNER:-} ]] || printf '%s\n' "$MXLINT_SANDBOX_OWNER" >"$DATA_DIR/owner.pid"

  wait_until_ready
  register_and_login
  START_DONE=1
  trap - EXIT
  log "Synapse ready on http://127.0.0.1:$PORT (pid $START_PID) in $((SECONDS - started)) s; env file: $ENV_FILE"
}

# ---------------------------------------------------------------------------------------------
# stop / status

stop_one() {
  local data_dir=$1 pid_file="$1/synapse.pid" pid
  [[ -f $pid_file ]] || return 0
  # For "stop" with MXLINT_SANDBOX_OWNER set ($2 = check-owner): only that owner's Synapse.
  if [[ ${2:-} == check-owner && -n ${MXLINT_SANDBOX_OWNER:-} ]] && [[ $(cat "$data_dir/owner.pid" 2>/dev/null) != "$MXLINT_SANDBOX_OWNER" ]]; then
    log "not stopping the Synapse in ${data_dir##*/}: another run (not $MXLINT_SANDBOX_OWNER) started it"
    return 0
  fi
  pid=$(<"$pid_file")
  if [[ $pid =~ ^[0-9]+$ ]] && [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$ROOT" ]]; then
    log "stopping Synapse (pid $pid, ${data_dir##*/})"
    kill_group "$pid"
  fi
  rm -f "$pid_file"
}

# True when the data dir records an owner process that no longer exists.
owner_is_gone() {
  local owner
  [[ -f $1/owner.pid ]] || return 1
  owner=$(<"$1/owner.pid")
  [[ $owner =~ ^[0-9]+$ ]] && ! kill -0 "$owner" 2>/dev/null
}

cmd_stop() {
  require_root stop
  local data_dir
  if [[ ${1:-} == --all ]]; then
    for data_dir in "$ROOT"/data-*; do
      if [[ -d $data_dir ]]; then stop_one "$data_dir"; fi
    done
  elif [[ ${1:-} == --stale ]]; then
    for data_dir in "$ROOT"/data-*; do
      [[ -d $data_dir ]] || continue
      if owner_is_gone "$data_dir"; then
        stop_one "$data_dir"
      fi
      # Data dirs of runs long gone (their logs are kept an hour for post-mortems).
      if [[ ! -f $data_dir/synapse.pid ]] && [[ -n $(find "$data_dir" -maxdepth 0 -mmin +60) ]]; then
        rm -rf --one-file-system "$data_dir"
      fi
    done
    local lock lock_fd
    for lock in "$ROOT"/data-*.lock; do
      [[ -f $lock && ! -d ${lock%.lock} ]] || continue
      exec {lock_fd}>>"$lock"
      if flock -n "$lock_fd"; then rm -f "$lock"; fi
      exec {lock_fd}>&-
    done
  else
    check_port_number
    stop_one "$DATA_DIR" check-owner
  fi
  if [[ ${1:-} == --stale ]]; then release_chroot quiet; else release_chroot; fi
}

cmd_status() {
  local data_dir pid running=no
  if [[ -f $MARKER ]]; then
    echo "chroot:  $ROOT (synapse $(head -n1 "$MARKER"))"
  elif [[ -e $ROOT ]]; then
    echo "chroot:  $ROOT (incomplete; build will delete and rebuild it)"
  else
    echo "chroot:  $ROOT (not built)"
  fi
  if [[ -d $ROOT/proc ]] && proc_mounted; then echo "proc:    mounted"; else echo "proc:    not mounted"; fi
  for data_dir in "$ROOT"/data-*; do
    [[ -f $data_dir/synapse.pid ]] || continue
    pid=$(<"$data_dir/synapse.pid")
    if [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$ROOT" ]]; then
      echo "synapse: running on port ${data_dir##*-} (pid $pid)"
      [[ $data_dir == "$DATA_DIR" ]] && running=yes
    else
      echo "synapse: stale pid file for port ${data_dir##*-} (pid $pid is gone)"
    fi
  done
  [[ $running == yes ]]
}

# ---------------------------------------------------------------------------------------------
# oracle

ORACLE_DIR=
oracle_cleanup() {
  [[ -n $ORACLE_DIR ]] && rm -rf --one-file-system "$ROOT$ORACLE_DIR"
  release_chroot quiet
}

# Copies a -c path into the chroot as it is: links followed, or (a broken link, a loop: what a
# conf.d may hold and Synapse skips) kept as links. Special files (a FIFO) stay special.
copy_into_chroot() {
  local path=$1 target=$2
  mkdir -p "$ROOT${target%/*}"
  cp -rL -- "$path" "$ROOT$target" 2>/dev/null || { rm -rf -- "${ROOT:?}$target"; cp -a -- "$path" "$ROOT$target"; }
}

cmd_oracle() {
  (($# > 0)) || die "usage: $0 oracle CONFIG_PATH [CONFIG_PATH...] | oracle --batch PATH... [-- PATH...]..."
  require_root oracle
  require_built
  local path index=0 case=0 target batch=false
  local -a args=()
  if [[ $1 == --batch ]]; then
    batch=true
    shift
  fi
  for path in "$@"; do
    [[ $path == -- && $batch == true ]] && continue
    [[ -e $path || -L $path ]] || die "no such config file or directory: $path"
  done

  trap oracle_cleanup EXIT
  use_chroot
  ORACLE_DIR=$(mktemp -d "$ROOT/tmp/mxlint-oracle.XXXXXX")
  ORACLE_DIR=${ORACLE_DIR#"$ROOT"}
  mkdir "$ROOT$ORACLE_DIR/in"
  cp "$SCRIPT_DIR/synapse-oracle.py" "$ROOT$ORACLE_DIR/oracle.py"
  if [[ $batch == true ]]; then
    # One Python process for every case: cases separated by --, written NUL-separated for it.
    local list="$ROOT$ORACLE_DIR/cases"
    : >"$list"
    for path in "$@" --; do
      if [[ $path == -- ]]; then
        printf '\0' >>"$list"
        case=$((case + 1))
        index=0
        continue
      fi
      target="$ORACLE_DIR/in/$case/$index/$(basename -- "$(realpath -m -- "$path")")"
      copy_into_chroot "$path" "$target"
      printf '%s\0' "$target" >>"$list"
      index=$((index + 1))
    done
    in_chroot sh -c 'cd "$1" && exec python3 oracle.py --batch cases' sh "$ORACLE_DIR"
    return
  fi
  for path in "$@"; do
    # in/<index>/<name>: -c order kept, names kept (Synapse reads a conf.d dir in name order).
    target="$ORACLE_DIR/in/$index/$(basename -- "$(realpath -m -- "$path")")"
    copy_into_chroot "$path" "$target"
    args+=("$target")
    index=$((index + 1))
  done
  in_chroot sh -c 'cd "$1" && shift && exec python3 oracle.py "$@"' sh "$ORACLE_DIR" "${args[@]}"
}

# ---------------------------------------------------------------------------------------------

main() {
  # Leave through the EXIT traps (cleanup of a half-done build, start or oracle) on signals too.
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local command=${1:-}
  (($# > 0)) && shift
  case $command in
    build) cmd_build "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    oracle) cmd_oracle "$@" ;;
    -h | --help | help) usage ;;
    *) usage; die "unknown command '${command}'" ;;
  esac
}

main "$@"
