#!/usr/bin/env bash
# Builds a tiny test image WITHOUT any registry and saves it as a tarball.
#   build-test-image.sh NAME:TAG OUT.tar
# The image is Debian's static busybox + a few applet links + /www/index.html.
# Its CMD serves /www with busybox httpd on ${HOST:-127.0.0.1}:${PORT:-8080}, so run it with
#   docker run --network host -e PORT=31999 NAME:TAG        (a node daemon also sets HOST to its node's address)
# /cgi-bin/bare-lf is a CGI whose header lines end in a bare LF (as many CGIs write them): 200, text "ok".
# Env: MESSAGE     extra text for index.html (to tell two builds apart).
#      CRASH_EXIT  when set, the CMD prints a line and exits with this code at once (a crash-looping app).
#      PROBE=1     a hostile app: before serving, the CMD tries a TCP connect from inside its container to each port of
#                  $PROBE_PORTS (set at run time) on 127.0.0.1 and on its default gateway, and to its own $PORT on
#                  127.0.0.1 (a check that the probe can see an open port), and writes one line per target, `ADDR:PORT
#                  open` or `ADDR:PORT closed <why>`, then `done`, to its log and to /www/probe.txt (served at /probe.txt).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../infra/lib.sh"
LOG_TAG=build-test-image

if (($# != 2)); then
  echo "usage: $0 NAME:TAG OUT.tar   (env MESSAGE=... optional)" >&2
  exit 2
fi
IMAGE="$1"
OUT="$2"
[[ "$IMAGE" == *:* ]] || die "image must be NAME:TAG, got '$IMAGE'"
MESSAGE="${MESSAGE:-}"
CRASH_EXIT="${CRASH_EXIT:-}"
[[ -z "$CRASH_EXIT" || "$CRASH_EXIT" =~ ^[0-9]+$ ]] || die "CRASH_EXIT must be an exit code, got '$CRASH_EXIT'"
CMD='["/bin/sh","-c","exec /bin/busybox httpd -f -p ${HOST:-127.0.0.1}:${PORT:-8080} -h /www"]'
[[ -z "$CRASH_EXIT" ]] || CMD="[\"/bin/sh\",\"-c\",\"echo crashing with exit code $CRASH_EXIT; exit $CRASH_EXIT\"]"
[[ "${PROBE:-}" != 1 ]] || CMD='["/bin/sh","-c","/bin/sh /probe.sh & exec /bin/busybox httpd -f -p ${HOST:-127.0.0.1}:${PORT:-8080} -h /www"]'

need_apt busybox-static
BUSYBOX=/bin/busybox
[[ -x "$BUSYBOX" ]] || die "$BUSYBOX missing (busybox-static)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
  die "$BUSYBOX is dynamically linked; need Debian's busybox-static"
fi

"$MAMMOTH_ROOT/scripts/infra/docker.sh" start

work="$(mktemp -d "${TMPDIR:-/tmp}/mammoth-img.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/www/cgi-bin" "$rootfs/tmp" "$rootfs/etc"
chmod 1777 "$rootfs/tmp"
cp "$BUSYBOX" "$rootfs/bin/busybox"
chmod 755 "$rootfs/bin/busybox"
for applet in sh httpd echo cat sleep env wget nc ls ps kill ip sed tee; do
  ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"

html_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
{
  echo '<!doctype html>'
  echo '<html><head><title>mammoth test image</title></head><body>'
  echo "<p>hello from mammoth</p>"
  echo "<p>image: $(printf '%s' "$IMAGE" | html_escape)</p>"
  if [[ -n "$MESSAGE" ]]; then
    echo "<p>message: $(printf '%s' "$MESSAGE" | html_escape)</p>"
  fi
  echo '</body></html>'
} >"$rootfs/www/index.html"
# plain-text twins, handy for curl assertions
printf 'hello from mammoth %s%s\n' "$IMAGE" "${MESSAGE:+ $MESSAGE}" >"$rootfs/www/version.txt"
echo ok >"$rootfs/www/healthz"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nok\\n"\n' >"$rootfs/www/cgi-bin/bare-lf"
chmod 755 "$rootfs/www/cgi-bin/bare-lf"
if [[ "${PROBE:-}" == 1 ]]; then
  # The results go to /www/probe.txt, or to /tmp when the root filesystem is read-only (then not served).
  cat >"$rootfs/probe.sh" <<'PROBE'
sleep 1
gw=$(ip route | sed -n 's/^default via \([0-9.]*\).*/\1/p')
out=/www/probe.txt
: >"$out" 2>/dev/null || out=/tmp/probe.txt
targets="127.0.0.1:${PORT:-8080}"
for p in $PROBE_PORTS; do targets="$targets 127.0.0.1:$p${gw:+ $gw:$p}"; done
for t in $targets; do
  why=$(nc -w 3 "${t%:*}" "${t#*:}" </dev/null 2>&1 >/dev/null)
  case "$why" in
    *"can't connect"*) echo "$t closed ${why##*: }" ;;
    *) echo "$t open" ;;
  esac
done | tee -a "$out"
echo done | tee -a "$out"
PROBE
fi

log "importing $IMAGE"
# numeric owner root so files are not owned by the build user's uid
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -c . |
  docker import \
    -c "CMD $CMD" \
    -c 'ENV PATH=/bin' \
    -m "mammoth test image ${MESSAGE}" \
    - "$IMAGE" >/dev/null

mkdir -p "$(dirname "$OUT")"
docker save "$IMAGE" -o "$OUT"
log "built $IMAGE -> $OUT ($(du -h "$OUT" | cut -f1))"
