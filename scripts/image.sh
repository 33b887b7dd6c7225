#!/usr/bin/env bash
# Build and test the container image with buildah (what `make image` and `make image-test` call).
#
#   scripts/image.sh base    the local base: Debian bookworm + python3-venv, made with debootstrap
#   scripts/image.sh build   the image; the base is pulled, or made locally when it cannot be
#   scripts/image.sh test    build, run the image's own command on the seed corpus with a question
#                            on stdin, then check the JSON answer cites the seed article
#
# Settings (environment or make variables):
#   BASE            auto (default: the public base, else the local one), local, or an image name
#   IMAGE           the image to build (localhost/newsroom-bot:latest)
#   TORCH_SOURCE    an index URL or a folder holding torch's CPU wheel; default: the folder pip
#                   is configured with when it holds one, else PyTorch's CPU index
#   CA_BUNDLE       a CA bundle for pip inside the build; default: the one pip is configured with
#   DEBIAN_MIRROR   the mirror debootstrap uses (http://deb.debian.org/debian)
#   STORAGE_DRIVER  vfs (default: works on any filesystem) or overlay (fast layers, where the
#                   kernel allows it); STORAGE_ROOT a storage folder of its own, since one
#                   storage cannot mix drivers
#   LAYERS          1: keep each step as a cached layer (default with overlay); 0: one commit
#                   (default with vfs, which copies the whole tree for every layer it caches)
#   CACHE=0         with LAYERS=1, build without the cached layers
#   BUILD=0         test: test the image already built
# Root is needed: buildah builds rootful here (chroot isolation, the host's network).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/newsroom-bot:latest}
BASE=${BASE:-auto}
PUBLIC_BASE=docker.io/library/python:3.11-slim
LOCAL_BASE=localhost/newsroom-base:bookworm
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CPU_INDEX=https://download.pytorch.org/whl/cpu
QUESTION="who said what about Idlib?"
SEED=corpus/000_90aed92b11813b25.txt
PYTHON=${PYTHON:-python3}

die() { echo "image: $*" >&2; exit 1; }
say() { echo "image: $*" >&2; }
STORAGE_DRIVER=${STORAGE_DRIVER:-vfs}
if [ "$STORAGE_DRIVER" = vfs ]; then LAYERS=${LAYERS:-0}; else LAYERS=${LAYERS:-1}; fi
BUILDAH=(buildah --storage-driver "$STORAGE_DRIVER")
[ -z "${STORAGE_ROOT:-}" ] || BUILDAH+=(--root "$STORAGE_ROOT/root" --runroot "$STORAGE_ROOT/run")
bh() { "${BUILDAH[@]}" "$@"; }

preflight() {
    [ "$(id -u)" -eq 0 ] || die "needs root (buildah builds rootful here): run it as root or with sudo"
    command -v buildah >/dev/null || die "buildah is missing: apt-get install buildah (and debootstrap for the local base)"
}

pip_setting() {  # the host pip's setting $1 (env, then config), empty when unset
    local env_name="PIP_${1^^}"; env_name=${env_name//-/_}
    if [ -n "${!env_name:-}" ]; then echo "${!env_name}"; return; fi
    "$PYTHON" -m pip config get "global.$1" 2>/dev/null || true
}

base_image() {  # the base image to build on, made locally when needed; printed on stdout
    case "$BASE" in
        local) local_base ;;
        auto)
            if bh inspect --type image "$PUBLIC_BASE" >/dev/null 2>&1 \
                || bh pull --quiet "$PUBLIC_BASE" >/dev/null 2>&1; then
                echo "$PUBLIC_BASE"
            else
                say "cannot pull $PUBLIC_BASE (no registry reachable?): using the local base from Debian's packages"
                local_base
            fi ;;
        *) echo "$BASE" ;;
    esac
}

local_base() {  # builds $LOCAL_BASE once (REBUILD_BASE=1 again); prints its name
    if [ "${REBUILD_BASE:-0}" != 1 ] && bh inspect --type image "$LOCAL_BASE" >/dev/null 2>&1; then
        echo "$LOCAL_BASE"; return
    fi
    command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
    local rootfs c m
    rootfs=$(mktemp -d /var/tmp/newsroom-rootfs.XXXXXX)
    # shellcheck disable=SC2064
    trap "rm -rf '$rootfs'" EXIT
    say "debootstrap bookworm (minbase + python3-venv) from $DEBIAN_MIRROR"
    debootstrap --variant=minbase --include=python3,python3-venv bookworm "$rootfs" "$DEBIAN_MIRROR" \
        > "$rootfs.log" 2>&1 || { tail -n 20 "$rootfs.log" >&2; die "debootstrap failed (log: $rootfs.log)"; }
    rm -f "$rootfs.log"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    c=$(bh from scratch)
    m=$(bh mount "$c")
    cp -a "$rootfs"/. "$m"/
    bh umount "$c" >/dev/null
    bh config --env LANG=C.UTF-8 --cmd /bin/bash "$c"
    bh commit --quiet --rm "$c" "$LOCAL_BASE" >/dev/null
    rm -rf "$rootfs"; trap - EXIT
    say "local base $LOCAL_BASE committed"
    echo "$LOCAL_BASE"
}

build() {
    local base args=() wheels ca dir
    base=$(base_image)
    args+=(--build-arg "BASE=$base")
    if [ -n "${TORCH_SOURCE:-}" ]; then
        wheels=$TORCH_SOURCE
    else  # the local wheel folder when it holds torch's CPU wheel, else PyTorch's CPU index
        wheels=$CPU_INDEX
        for dir in $(pip_setting find-links); do
            if compgen -G "$dir/torch-*+cpu-cp311-*.whl" >/dev/null; then wheels=$dir; break; fi
        done
    fi
    case "$wheels" in
        *://*) args+=(--build-arg "TORCH_SOURCE=$wheels") ;;
        *) [ -d "$wheels" ] || die "TORCH_SOURCE $wheels: no such folder"
           args+=(--volume "$(realpath "$wheels")":/wheels:ro --build-arg TORCH_SOURCE=/wheels) ;;
    esac
    ca=${CA_BUNDLE:-$(pip_setting cert)}
    if [ -n "$ca" ]; then
        [ -f "$ca" ] || die "CA bundle $ca: no such file"
        args+=(--volume "$(realpath "$ca")":/host-ca.crt:ro --build-arg PIP_CERT=/host-ca.crt)
    fi
    if [ "$LAYERS" = 1 ]; then
        args+=(--layers)
        [ "${CACHE:-1}" = 0 ] && args+=(--no-cache)
    fi
    say "building $IMAGE on $base, torch from $wheels ($STORAGE_DRIVER storage, layers $LAYERS)"
    local start=$SECONDS previous
    previous=$(bh images --quiet --no-trunc "$IMAGE" 2>/dev/null | head -n 1 || true)
    bh bud --isolation chroot --network host "${args[@]}" -t "$IMAGE" . >&2
    say "built $IMAGE in $((SECONDS - start)) s: $(bh images --format '{{.Size}}' "$IMAGE" | head -n 1)"
    # The image it replaces would stay behind untagged, another full copy on the disk.
    if [ -n "$previous" ] && [ "$previous" != "$(bh images --quiet --no-trunc "$IMAGE" | head -n 1)" ]; then
        bh rmi "$previous" >/dev/null 2>&1 || say "the previous image $previous is still in use: kept"
    fi
}

image_test() {
    [ "${BUILD:-1}" = 0 ] || build
    local c out uid start=$SECONDS
    c=$(bh from --quiet "$IMAGE")
    out=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "bh rm '$c' >/dev/null 2>&1; rm -rf '$out'" EXIT
    # In a network namespace of its own with no way out (chroot isolation has no --network none),
    # so a model or anything else fetched at run time would fail the test.
    run() { unshare --net "${BUILDAH[@]}" run --isolation chroot "$c" -- "$@"; }
    uid=$(run id -u)
    [ "$uid" -gt 0 ] || die "the image runs as root (uid $uid)"
    # The image's own command: build the index from its corpus, then (no token) the terminal
    # prompt, which answers the question on stdin and ends at its end.
    local -a argv
    mapfile -t argv < <(bh inspect --type image "$IMAGE" | "$PYTHON" -c \
        'import json, sys; print("\n".join(json.load(sys.stdin)["OCIv1"]["config"]["Cmd"]))')
    say "uid $uid, no network; running the image's command: ${argv[*]}"
    printf '%s\n' "$QUESTION" | run "${argv[@]}" | tee "$out/answer.txt"
    run python -m bot.ask --json -k 10 "$QUESTION" > "$out/answer.json"
    say "ran the image in $((SECONDS - start)) s"
    "$PYTHON" scripts/image_check.py "$out/answer.json" "$SEED" Lavrov Carboni
}

case "${1:-}" in
    base) preflight; local_base ;;
    build) preflight; build ;;
    test) preflight; image_test ;;
    *) die "usage: scripts/image.sh base|build|test" ;;
esac
