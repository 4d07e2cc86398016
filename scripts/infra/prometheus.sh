#!/usr/bin/env bash
# Prometheus for Mammoth: Debian's package, never its system service. It runs as Mammoth's own process on 127.0.0.1,
# with its configuration and data under a run dir, scraping the targets the nginx companion writes (file_sd) with the
# scraper's bearer token, and evaluating Mammoth's alert rules (prometheus/alerts.yml). Idempotent.
#   prometheus.sh install          install Debian's prometheus if missing (services are kept from starting)
#   prometheus.sh start            start it (PROMETHEUS_PORT 9090, PROMETHEUS_DIR $MAMMOTH_RUN_DIR/prometheus)
#   prometheus.sh stop             stop the one of PROMETHEUS_DIR
#   prometheus.sh status           exit 0 if it runs and answers
# Settings: PROMETHEUS_PORT, PROMETHEUS_DIR (config, data, log, pid; targets.json is read from there),
# PROMETHEUS_TOKEN_FILE (the scraper's token, a policy with metrics:read; default $PROMETHEUS_DIR/scraper.token),
# PROMETHEUS_SCRAPE_INTERVAL (15s), PROMETHEUS_RETENTION (2d).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=prometheus

PROMETHEUS_BIN="${PROMETHEUS_BIN:-/usr/bin/prometheus}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
PROMETHEUS_DIR="${PROMETHEUS_DIR:-$MAMMOTH_RUN_DIR/prometheus}"
PROMETHEUS_TOKEN_FILE="${PROMETHEUS_TOKEN_FILE:-$PROMETHEUS_DIR/scraper.token}"
PROMETHEUS_SCRAPE_INTERVAL="${PROMETHEUS_SCRAPE_INTERVAL:-15s}"
PROMETHEUS_RETENTION="${PROMETHEUS_RETENTION:-2d}"
RULES="$(dirname "${BASH_SOURCE[0]}")/prometheus/alerts.yml"

install() {
  [[ -x "$PROMETHEUS_BIN" ]] || need_apt prometheus
  [[ -x "$PROMETHEUS_BIN" ]] || die "$PROMETHEUS_BIN missing after installing prometheus"
  # The package's own service would listen on 0.0.0.0:9090; Mammoth never starts it (need_apt blocks the postinst start).
  log "prometheus ready: $("$PROMETHEUS_BIN" --version 2>&1 | head -1)"
}

running_pid() {
  local pid
  pid="$(pidfile_pid "$PROMETHEUS_DIR/prometheus.pid")" || return 1
  pid_cmdline_has "$pid" "$PROMETHEUS_DIR" || return 1
  printf '%s\n' "$pid"
}

write_config() {
  local interval="$PROMETHEUS_SCRAPE_INTERVAL"
  cp "$RULES" "$PROMETHEUS_DIR/alerts.yml"
  [[ -s "$PROMETHEUS_DIR/targets.json" ]] || echo '[]' >"$PROMETHEUS_DIR/targets.json"
  cat >"$PROMETHEUS_DIR/prometheus.yml" <<YAML
# Written by scripts/infra/prometheus.sh; targets.json is kept by the nginx companion (PROMETHEUS_TARGETS_FILE).
global:
  scrape_interval: $interval
  evaluation_interval: $interval
rule_files:
  - $PROMETHEUS_DIR/alerts.yml
scrape_configs:
  - job_name: mammoth
    authorization:
      credentials_file: $PROMETHEUS_TOKEN_FILE
    file_sd_configs:
      - files: [$PROMETHEUS_DIR/targets.json]
        refresh_interval: $interval
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$PROMETHEUS_PORT']
YAML
  /usr/bin/promtool check config "$PROMETHEUS_DIR/prometheus.yml" >&2 || die "invalid Prometheus configuration"
}

start() {
  install
  mkdir -p "$PROMETHEUS_DIR/data"
  [[ -s "$PROMETHEUS_TOKEN_FILE" ]] || die "no scraper token at $PROMETHEUS_TOKEN_FILE (a token whose policy holds metrics:read)"
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on 127.0.0.1:$PROMETHEUS_PORT"
    return 0
  fi
  port_open 127.0.0.1 "$PROMETHEUS_PORT" && die "127.0.0.1:$PROMETHEUS_PORT is taken by another process"
  write_config
  setsid "$PROMETHEUS_BIN" \
    --config.file="$PROMETHEUS_DIR/prometheus.yml" \
    --storage.tsdb.path="$PROMETHEUS_DIR/data" \
    --storage.tsdb.retention.time="$PROMETHEUS_RETENTION" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    --web.enable-lifecycle \
    >>"$PROMETHEUS_DIR/prometheus.log" 2>&1 </dev/null &
  echo $! >"$PROMETHEUS_DIR/prometheus.pid"
  local deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1; do
    if ! running_pid >/dev/null || ((SECONDS > deadline)); then
      tail -20 "$PROMETHEUS_DIR/prometheus.log" >&2 || true
      die "Prometheus did not become ready"
    fi
    sleep 0.5
  done
  log "Prometheus at http://127.0.0.1:$PROMETHEUS_PORT/ (dir $PROMETHEUS_DIR)"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running (dir $PROMETHEUS_DIR)"
    return 0
  fi
  log "stopping Prometheus $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)) && pid_alive "$pid"; do sleep 0.2; done
  pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PROMETHEUS_DIR/prometheus.pid"
}

status() {
  local pid
  if pid="$(running_pid)" && curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1; then
    echo "prometheus: running (pid $pid) at http://127.0.0.1:$PROMETHEUS_PORT/"
  else
    echo "prometheus: not running (dir $PROMETHEUS_DIR)"
    return 1
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
