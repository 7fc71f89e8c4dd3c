#!/usr/bin/env python3
"""Create many distinct Netfilter conntrack entries fast, one packet per flow.

Run this INSIDE a lab network namespace (``scripts/ct-lab flood NAME COUNT``
does that with ``ip netns exec``). Never run it in the host's namespace: it
fills the conntrack table of whatever namespace it runs in, so it refuses to
run where the lab interface ctlab0 (created by `ct-lab up`) is missing.

Why raw sockets
---------------
conntrack creates an entry for the first packet of a flow when that packet
passes the OUTPUT hook (locally generated) and is confirmed in POSTROUTING.
One packet per flow is therefore enough, and the cheapest way to send exactly
one packet for 200,000 *different* flows is a raw socket:

* Ordinary UDP/TCP sockets would need one socket (bind, maybe connect and a
  full handshake) per flow; that is an order of magnitude more syscalls and
  kernel socket state, and it runs into port/file-descriptor limits.
* With ``socket(AF_INET, SOCK_RAW, IPPROTO_RAW)`` (IP_HDRINCL implied) the
  script writes the IPv4 header itself, so every flow can get its own source
  address anywhere in 127.0.0.0/8 and its own source port, with a single
  ``sendto()`` per flow and no per-flow kernel socket. The kernel fills in the
  IPv4 total length, ID and header checksum; the UDP/TCP checksum is computed
  here (incrementally, from precomputed constant parts).
* IPv6 has no "any source address in a /8" trick, so the IPv6 share uses raw
  ``IPPROTO_UDP``/``IPPROTO_TCP`` sockets bound to ::1 and fd00:5ce::1 (the
  lab's addresses); the kernel builds the IPv6 header and, via the
  IPV6_CHECKSUM socket option, the L4 checksum. Flows differ in source port,
  destination port and source/destination address.

Flood packets go to 127.0.0.1 / ::1 / fd00:5ce::1 on destination ports
PORT_BASE..PORT_BASE+999 (default 47000-47999). ``ct-lab up`` installs INPUT
DROP rules for exactly that range, so after conntrack has seen a packet it is
dropped and no ICMP error or RST is generated; nothing leaves the namespace
(all destinations are local, the traffic runs over ``lo``).

Flow numbering: flow index i (starting at --start) maps deterministically to
a tuple, so two runs with disjoint index ranges create disjoint entries. The
default --start is the current table size, which keeps repeated floods
disjoint as long as nothing was deleted; if some tuples already exist anyway
(e.g. entries were deleted between floods), the script sends further flows
until the table really grew by COUNT (bounded number of rounds).
"""

import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
import time

LAB_IF = "ctlab0"  # created by `ct-lab up`; its presence marks a lab namespace
PORT_RANGE = 1000  # width of the destination port range matched by ct-lab's DROP rules
V4_SRC_BASE = 0x7F400001  # 127.64.0.1: flood sources live in 127.64.0.0/10
V4_DST = 0x7F000001  # 127.0.0.1
V6_PAIRS = (("::1", "::1"), ("fd00:5ce::1", "fd00:5ce::1"))
MAX_PAYLOAD = 31  # payload length varies 0..31 bytes so byte counters differ
COUNT_FILE = "/proc/sys/net/netfilter/nf_conntrack_count"


def table_count():
    """Entry count of this namespace's table (what `conntrack -C` prints)."""
    if shutil.which("conntrack"):
        out = subprocess.run(["conntrack", "-C"], check=True, capture_output=True, text=True).stdout
        return int(out.strip())
    with open(COUNT_FILE, encoding="ascii") as f:
        return int(f.read().strip())


def fold(s):
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return s


def send_v4(first, n, proto_mode, port_base):
    """Send n IPv4 flows with indexes first..first+n-1 (one packet each)."""
    if n <= 0:
        return 0
    if first + n >= 1 << 30:
        raise SystemExit("ct-flood: IPv4 flow index out of range (max 2^30)")
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    dst = ("127.0.0.1", 0)
    sendto = sock.sendto
    # One buffer per protocol: IPv4 header (20) + UDP (8) / TCP (20) header +
    # payload. The payload bytes stay zero, so they add nothing to the checksum.
    ubuf = bytearray(20 + 8 + MAX_PAYLOAD)
    tbuf = bytearray(20 + 20 + MAX_PAYLOAD)
    views_udp = [memoryview(ubuf)[: 28 + p] for p in range(MAX_PAYLOAD + 1)]
    views_tcp = [memoryview(tbuf)[: 40 + p] for p in range(MAX_PAYLOAD + 1)]
    # ver/ihl, tos, totlen (kernel fills), id (kernel fills), DF, ttl, proto,
    # csum (kernel fills), src, dst | sport, dport, len, csum
    udp_pkt = struct.Struct("!BBHHHBBHIIHHHH")
    # ... | sport, dport, seq, ack, off/flags, window, csum, urgent
    tcp_pkt = struct.Struct("!BBHHHBBHIIHHIIHHHH")
    pack_into = udp_pkt.pack_into
    tpack_into = tcp_pkt.pack_into
    dst_sum = (V4_DST >> 16) + (V4_DST & 0xFFFF)
    udp_const = dst_sum + socket.IPPROTO_UDP
    tcp_flags = (5 << 12) | 0x02  # data offset 5 words, SYN
    tcp_const = dst_sum + socket.IPPROTO_TCP + tcp_flags + 64240
    sent = 0
    for i in range(first, first + n):
        src = V4_SRC_BASE + (i >> 8)
        sport = 20000 + (i & 0xFF)
        dport = port_base + ((i >> 8) % PORT_RANGE)
        plen = i % (MAX_PAYLOAD + 1)
        s_src = (src >> 16) + (src & 0xFFFF)
        if proto_mode == "udp" or (proto_mode == "mix" and i & 1 == 0):
            ulen = 8 + plen
            c = (~fold(udp_const + s_src + sport + dport + ulen + ulen)) & 0xFFFF
            pack_into(ubuf, 0, 0x45, 0, 0, 0, 0x4000, 64, 17, 0, src, V4_DST,
                      sport, dport, ulen, c or 0xFFFF)
            sendto(views_udp[plen], dst)
        else:
            seq = (i * 2654435761) & 0xFFFFFFFF
            tlen = 20 + plen
            c = (~fold(tcp_const + s_src + sport + dport + tlen + (seq >> 16) + (seq & 0xFFFF))) & 0xFFFF
            tpack_into(tbuf, 0, 0x45, 0, 0, 0, 0x4000, 64, 6, 0, src, V4_DST,
                       sport, dport, seq, 0, tcp_flags, 64240, c, 0)
            sendto(views_tcp[plen], dst)
        sent += 1
    sock.close()
    return sent


def send_v6(first, n, proto_mode, port_base):
    """Send n IPv6 flows; the kernel builds the IPv6 header and L4 checksum."""
    if n <= 0:
        return 0
    socks = {}
    for proto, csum_off in ((socket.IPPROTO_UDP, 6), (socket.IPPROTO_TCP, 16)):
        for k, (src, _dst) in enumerate(V6_PAIRS):
            s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, proto)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_CHECKSUM, csum_off)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            try:
                s.bind((src, 0))
            except OSError as e:
                raise SystemExit(f"ct-flood: cannot bind raw IPv6 socket to {src}: {e} "
                                 "(is this the ct-lab namespace, with ctlab0 up?)") from e
            socks[proto, k] = s.sendto
    dsts = [(d, 0) for _s, d in V6_PAIRS]
    per_port = 64000  # source ports 1024..65023
    assert len(V6_PAIRS) == 2  # the index mapping below assumes two pairs
    limit = 2 * per_port * PORT_RANGE
    if first + n > limit:
        raise SystemExit(f"ct-flood: IPv6 flow index out of range (max {limit})")
    ubuf = bytearray(8 + MAX_PAYLOAD)  # zero payload after the L4 header
    tbuf = bytearray(20 + MAX_PAYLOAD)
    views_udp = [memoryview(ubuf)[: 8 + p] for p in range(MAX_PAYLOAD + 1)]
    views_tcp = [memoryview(tbuf)[: 20 + p] for p in range(MAX_PAYLOAD + 1)]
    udp_hdr = struct.Struct("!HHHH")
    tcp_hdr = struct.Struct("!HHIIHHHH")
    upack, tpack = udp_hdr.pack_into, tcp_hdr.pack_into
    tcp_flags = (5 << 12) | 0x02
    u_send = [socks[socket.IPPROTO_UDP, k] for k in range(len(V6_PAIRS))]
    t_send = [socks[socket.IPPROTO_TCP, k] for k in range(len(V6_PAIRS))]
    sent = 0
    for i in range(first, first + n):
        # (k, j) is a bijection of i that does not tie the address pair k to
        # the low bit (which picks TCP vs UDP in --proto mix).
        j = i >> 1
        k = (i ^ j) & 1
        sport = 1024 + (j % per_port)
        dport = port_base + (j // per_port)
        plen = i % (MAX_PAYLOAD + 1)
        if proto_mode == "udp" or (proto_mode == "mix" and i & 1 == 0):
            upack(ubuf, 0, sport, dport, 8 + plen, 0)
            u_send[k](views_udp[plen], dsts[k])
        else:
            tpack(tbuf, 0, sport, dport, (i * 2654435761) & 0xFFFFFFFF, 0, tcp_flags, 64240, 0, 0)
            t_send[k](views_tcp[plen], dsts[k])
        sent += 1
    return sent


def run_jobs(tasks, jobs):
    """Run (func, first, n, mode, port_base) tasks split over `jobs` processes."""
    chunks = []
    for func, first, n, mode, pb in tasks:
        if n <= 0:
            continue
        step = -(-n // jobs)
        for off in range(0, n, step):
            chunks.append((func, first + off, min(step, n - off), mode, pb))
    if jobs <= 1 or len(chunks) <= 1:
        for c in chunks:
            c[0](*c[1:])
        return
    # Distribute chunks round-robin over worker processes.
    pids = []
    for w in range(jobs):
        mine = chunks[w::jobs]
        if not mine:
            continue
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                for c in mine:
                    c[0](*c[1:])
            except BaseException as e:  # report and exit the child only
                print(f"ct-flood: worker {w}: {e}", file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        pids.append(pid)
    failed = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            failed += 1
    if failed:
        raise SystemExit(f"ct-flood: {failed} worker(s) failed")


def main():
    ap = argparse.ArgumentParser(
        description="Create COUNT distinct conntrack entries (one raw packet per flow) "
                    "in the CURRENT network namespace. Meant to be run by `ct-lab flood`.")
    ap.add_argument("count", type=int, help="number of new entries to create")
    ap.add_argument("--proto", choices=("udp", "tcp", "mix"), default="udp",
                    help="udp datagrams, tcp SYNs, or a 50/50 mix (default: udp)")
    ap.add_argument("--v6", type=int, default=0, metavar="PERCENT",
                    help="percentage of flows sent over IPv6 (default: 0)")
    ap.add_argument("--start", type=int, default=None,
                    help="first flow index (default: current table size)")
    ap.add_argument("--port-base", type=int, default=47000,
                    help="first destination port; flows use PORT_BASE..PORT_BASE+999 "
                         "(must match ct-lab's DROP rules; default 47000)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="sender processes (default: min(2, CPUs))")
    ap.add_argument("--rounds", type=int, default=4,
                    help="max extra rounds to make up for tuples that already existed (default 4)")
    ap.add_argument("--no-verify", action="store_true", help="do not check the table size afterwards")
    args = ap.parse_args()

    if args.count < 0:
        ap.error("COUNT must be >= 0")
    if not 0 <= args.v6 <= 100:
        ap.error("--v6 must be between 0 and 100")
    if not 1 <= args.port_base <= 65535 - PORT_RANGE + 1:
        ap.error("--port-base out of range")
    if args.jobs < 1:
        ap.error("--jobs must be >= 1")
    if os.geteuid() != 0:
        raise SystemExit("ct-flood: raw sockets need root (run it via `ct-lab flood`)")
    # Safety: only ever flood a ct-lab namespace (it has the lab interface and
    # the DROP rules), never the host's network namespace.
    try:
        socket.if_nametoindex(LAB_IF)
    except OSError:
        raise SystemExit(f"ct-flood: no interface {LAB_IF} here: refusing to run outside a ct-lab "
                         "namespace (use `ct-lab flood NAME COUNT`)") from None

    before = table_count()
    start = before if args.start is None else args.start
    target = before + args.count
    n6_total = args.count * args.v6 // 100
    n4_total = args.count - n6_total
    next4 = next6 = start
    t0 = time.monotonic()
    sent_total = 0
    want4, want6 = n4_total, n6_total
    skip = 0
    now = before
    for rnd in range(args.rounds + 1):
        tasks = [(send_v4, next4, want4, args.proto, args.port_base),
                 (send_v6, next6, want6, args.proto, args.port_base)]
        run_jobs(tasks, args.jobs)
        next4 += want4
        next6 += want6
        sent_total += want4 + want6
        if args.no_verify:
            break
        now = table_count()
        missing = target - now
        if missing <= 0:
            break
        if rnd == args.rounds:
            break
        # Some tuples existed already (e.g. an earlier flood with an
        # overlapping --start): send that many more flows, moving past the
        # used index range - at least to the current table size, then in
        # growing steps.
        want6 = missing * args.v6 // 100
        want4 = missing - want6
        next4 = max(next4, now) + skip
        next6 = max(next6, now) + skip
        skip = skip * 2 if skip else args.count
        print(f"ct-flood: round {rnd + 1}: {missing} entries missing (tuples existed already?), "
              f"sending {missing} more flows from index {min(next4, next6)}", file=sys.stderr)
    elapsed = time.monotonic() - t0

    rate = sent_total / elapsed if elapsed > 0 else 0.0
    print(f"ct-flood: sent {sent_total} packets ({n4_total} IPv4 / {n6_total} IPv6 flows requested, "
          f"proto {args.proto}) in {elapsed:.2f} s ({rate:,.0f} flows/s)")
    if args.no_verify:
        return 0
    grown = now - before
    print(f"ct-flood: table {before} -> {now} entries (+{grown}, wanted +{args.count})")
    if grown < args.count:
        raise SystemExit(f"ct-flood: table grew by only {grown} of {args.count} entries "
                         "(table full/early drop, or entries expiring/deleted meanwhile?)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
