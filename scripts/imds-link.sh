#!/bin/sh
# imds-link.sh: put the EC2 instance metadata addresses (169.254.169.254/32 and fd00:ec2::254/128)
# on a dummy interface so imdsd can listen on them, the way systemd/imds-link.{netdev,network} do
# at boot. Idempotent: running `add` twice changes nothing the second time.
#
#   scripts/imds-link.sh add    [IFNAME]   create IFNAME (default imds0) with both addresses, up
#   scripts/imds-link.sh remove [IFNAME]   delete IFNAME (only if it is a dummy interface)
#   scripts/imds-link.sh status [IFNAME]   show it; exit 0 when up with the IPv4 address, else 1
#
# add and remove need root (CAP_NET_ADMIN). To try it without touching the host's network:
#   ip netns add imdsd-try && ip netns exec imdsd-try scripts/imds-link.sh add; ip netns del imdsd-try
set -eu

IPV4=169.254.169.254/32
IPV6=fd00:ec2::254/128

usage() {
  echo "usage: $0 add|remove|status [IFNAME]   (IFNAME defaults to imds0)" >&2
  exit 2
}

die() {
  echo "imds-link: $*" >&2
  exit 1
}

need_root() {
  [ "$(id -u)" -eq 0 ] || die "$1 needs root (CAP_NET_ADMIN); try: sudo $0 $1 $IFNAME"
}

link_exists() { ip link show dev "$IFNAME" >/dev/null 2>&1; }
is_dummy() { ip -d link show dev "$IFNAME" 2>/dev/null | grep -qw dummy; }
has_v4() { ip -4 -o addr show dev "$IFNAME" 2>/dev/null | grep -qF " ${IPV4%/32}/32 "; }
has_v6() { ip -6 -o addr show dev "$IFNAME" 2>/dev/null | grep -qF " ${IPV6%/128}/128 "; }
is_up() { ip -o link show dev "$IFNAME" 2>/dev/null | grep -q '[<,]UP[,>]'; }

add() {
  need_root add
  command -v ip >/dev/null 2>&1 || die "the ip command (iproute2) is missing"
  if link_exists; then
    is_dummy || die "$IFNAME exists and is not a dummy interface; choose another IFNAME"
  else
    ip link add "$IFNAME" type dummy || die "cannot create dummy interface $IFNAME (is the dummy module available?)"
    echo "created dummy interface $IFNAME"
  fi
  if has_v4; then
    echo "$IFNAME already has $IPV4"
  else
    ip addr add "$IPV4" dev "$IFNAME" || die "cannot add $IPV4 to $IFNAME"
    echo "added $IPV4 to $IFNAME"
  fi
  if has_v6; then
    echo "$IFNAME already has $IPV6"
  elif [ "$(cat "/proc/sys/net/ipv6/conf/$IFNAME/disable_ipv6" 2>/dev/null || echo 1)" = 1 ]; then
    # The IPv4 endpoint is what every SDK uses by default; IPv6 is optional.
    echo "imds-link: IPv6 is disabled on $IFNAME; skipping $IPV6" >&2
  else
    # nodad: nobody else can own the address, and DAD would delay binding it by seconds.
    ip -6 addr add "$IPV6" dev "$IFNAME" nodad || die "cannot add $IPV6 to $IFNAME"
    echo "added $IPV6 to $IFNAME"
  fi
  ip link set "$IFNAME" up || die "cannot bring $IFNAME up"
  echo "$IFNAME is up: imdsd can listen on 169.254.169.254:80 and [fd00:ec2::254]:80"
}

remove() {
  need_root remove
  if ! link_exists; then
    echo "$IFNAME does not exist; nothing to remove"
    return 0
  fi
  is_dummy || die "$IFNAME is not a dummy interface; refusing to delete it"
  ip link del "$IFNAME" || die "cannot delete $IFNAME"
  echo "deleted $IFNAME"
}

status() {
  if ! link_exists; then
    echo "$IFNAME does not exist (run: $0 add $IFNAME)"
    return 1
  fi
  ip -br addr show dev "$IFNAME"
  ok=0
  is_up || { echo "$IFNAME is down"; ok=1; }
  has_v4 || { echo "$IFNAME lacks $IPV4"; ok=1; }
  has_v6 || echo "$IFNAME lacks $IPV6 (IPv6 clients cannot reach imdsd)"
  return $ok
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
IFNAME=${2:-imds0}
case "$1" in
  add) add ;;
  remove) remove ;;
  status) status ;;
  *) usage ;;
esac
