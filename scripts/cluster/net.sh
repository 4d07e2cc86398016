#!/usr/bin/env bash
# The cluster's network: one namespace per host, each with a veth pair onto one bridge in a private /24, the bridge's end
# (.1) in the machine's namespace. No default route anywhere: a host reaches only the other hosts of its cluster.
#   net.sh up N     create the bridge, the hosts of a cluster of N node hosts, and the FORWARD accept rule for the bridge
#   net.sh down     delete exactly those (namespaces mammoth-<i>-*, links mammoth-<i>*, mammoth-br<i>, the rule)
#   net.sh check    exit 0 if the /24 is free (no address or route of the machine overlaps it)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=cluster-net

ip4_int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

# overlaps CIDR -> 0 if CIDR and the cluster's /24 share an address.
overlaps() {
  local net="${1%/*}" len="${1#*/}"
  [[ "$1" == */* ]] || len=32
  local mask=$(((0xffffffff << (32 - len)) & 0xffffffff))
  local lo=$(($(ip4_int "$net") & mask)) hi ours
  hi=$((lo | (~mask & 0xffffffff)))
  ours=$(ip4_int "$CLUSTER_NET.0")
  ((lo <= ours + 255 && ours <= hi))
}

check() {
  local dst dev
  while read -r dst _ dev _; do
    [[ "$dst" == default || "$dev" == "$CLUSTER_BRIDGE" ]] && continue
    overlaps "$dst" && { log "route $dst (dev $dev) overlaps $CLUSTER_NET.0/24"; return 1; }
  done < <(ip -4 -o route show table all type unicast | awk '{print $1, $2, $3}')
  local addr
  while read -r dev addr; do
    [[ "$dev" == "$CLUSTER_BRIDGE" ]] && continue
    overlaps "$addr" && { log "address $addr on $dev is in $CLUSTER_NET.0/24"; return 1; }
  done < <(ip -4 -o addr show | awk '{print $2, $4}')
  return 0
}

# forward_chain -> DOCKER-USER while dockerd's chains exist (the FORWARD policy is then DROP), else FORWARD.
forward_chain() {
  if iptables -S DOCKER-USER >/dev/null 2>&1; then echo DOCKER-USER; else echo FORWARD; fi
}

RULE=(-i "$CLUSTER_BRIDGE" -o "$CLUSTER_BRIDGE" -m comment --comment "$CLUSTER_RULE_COMMENT" -j ACCEPT)

add_host() {
  local host="$1" ns link addr
  ns="$(host_ns "$host")"
  link="$(host_link "$host")"
  addr="$(host_addr "$host")"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "$link" type veth peer name eth0 netns "$ns"
  ip link set "$link" master "$CLUSTER_BRIDGE" up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
}

up() {
  local n="${1:?usage: net.sh up N}"
  command -v nsenter >/dev/null 2>&1 || need_apt util-linux
  command -v ip >/dev/null 2>&1 || need_apt iproute2
  check || die "$CLUSTER_NET.0/24 is in use on this machine; pick another with MAMMOTH_CLUSTER_NET"
  ip link add "$CLUSTER_BRIDGE" type bridge forward_delay 0
  ip addr add "$(host_addr bridge)/24" dev "$CLUSTER_BRIDGE"
  ip link set "$CLUSTER_BRIDGE" up
  local host
  for host in $(cluster_hosts "$n"); do add_host "$host"; done
  # Bridged frames pass iptables' FORWARD chain (br_netfilter), whose policy is DROP while dockerd runs.
  iptables -I "$(forward_chain)" "${RULE[@]}"
  log "network up: $CLUSTER_BRIDGE $(host_addr bridge)/24, $(cluster_hosts "$n" | wc -l) hosts"
}

down() {
  local chain ns link
  for chain in DOCKER-USER FORWARD; do
    while iptables -D "$chain" "${RULE[@]}" 2>/dev/null; do :; done
  done
  for ns in $(ip netns list | awk '{print $1}' | grep "^$CLUSTER_NS_PREFIX" || true); do ip netns del "$ns"; done
  for link in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^mammoth-$CLUSTER_INDEX[a-z]" || true); do
    ip link del "$link" 2>/dev/null || true
  done
  ip link del "$CLUSTER_BRIDGE" 2>/dev/null || true
}

case "${1:-}" in
  up) up "${2:-}" ;;
  down) down ;;
  check) check ;;
  *) echo "usage: $0 up N|down|check" >&2; exit 2 ;;
esac
