#!/usr/bin/env python3
"""pyctd serve, driven by Python's standard xmlrpc.client: a real client nobody here wrote.

Run by Pyctd.Tests (ServeWithPythonClientTests) against a server on a lab namespace; every
change is checked against the kernel's own view, `conntrack -L` inside that namespace.
Environment: PYCTD_URL, PYCTD_NETNS, PYCTD_ADMIN_PASSWORD, PYCTD_VIEWER_PASSWORD.
"""
import os
import subprocess
import time
import unittest
import xmlrpc.client

URL = os.environ["PYCTD_URL"]
NETNS = os.environ["PYCTD_NETNS"]
ADMIN = ("admin", os.environ["PYCTD_ADMIN_PASSWORD"])
VIEWER = ("viewer", os.environ["PYCTD_VIEWER_PASSWORD"])


def conntrack(*args):
    """Lines of `conntrack ARGS` inside the lab namespace."""
    result = subprocess.run(["ip", "netns", "exec", NETNS, "conntrack", *args],
                            check=True, capture_output=True, text=True)
    return result.stdout.splitlines()


def ids(*filters):
    """Conntrack ids (as strings) of `conntrack -L FILTERS`."""
    return {line.rsplit(" id=", 1)[1] for line in conntrack("-L", "-o", "id", *filters)}


def line_of(connection_id):
    for line in conntrack("-L", "-o", "id"):
        if line.endswith(" id=" + connection_id):
            return line
    return None


class XmlRpcApi(unittest.TestCase):
    def setUp(self):
        self.server = xmlrpc.client.ServerProxy(URL)
        self.addCleanup(self.server("close"))
        self.session = self.server.login(*ADMIN)

    def fault(self, call, *args):
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            call(*args)
        return raised.exception.faultCode

    def test_login_with_a_wrong_password_is_fault_1(self):
        self.assertEqual(1, self.fault(self.server.login, "admin", "wrong"))
        self.assertEqual(1, self.fault(self.server.login, "nobody", "x"))
        self.assertEqual(-32602, self.fault(self.server.login))

    def test_session_ids_are_long_random_strings(self):
        other = self.server.login(*ADMIN)
        self.assertNotEqual(self.session, other)
        self.assertGreaterEqual(len(self.session), 32)

    def test_unknown_session_is_fault_2(self):
        self.assertEqual(2, self.fault(self.server.view, "not-a-session"))

    def test_view_with_defaults_returns_the_whole_table(self):
        result = self.server.view(self.session)
        total = int(conntrack("-C")[0])
        self.assertEqual(total, result["total"])
        self.assertEqual(total, result["length"])
        self.assertEqual(total, len(result["connections"]))
        self.assertIsInstance(result["snapshot"], xmlrpc.client.DateTime)

    def test_view_connection_struct_has_the_api_fields(self):
        connection = self.server.view(self.session, {"orig_l4proto": 6, "state": "ESTABLISHED"}, "id", "ASC", 0, 1)["connections"][0]
        for field in ("id", "family", "proto", "orig_l3proto", "orig_l4proto", "orig_src", "orig_dst", "repl_src",
                      "repl_dst", "orig_port_src", "orig_port_dst", "repl_port_src", "repl_port_dst", "state",
                      "status", "mark", "zone", "timeout", "use", "orig_packets", "orig_bytes", "repl_packets",
                      "repl_bytes", "orig_rate", "repl_rate", "rate"):
            self.assertIn(field, connection)
        self.assertIsInstance(connection["id"], str)
        self.assertIn("CONFIRMED", connection["status"])
        line = line_of(connection["id"])
        self.assertIn(" sport=%d " % connection["orig_port_src"], line)

    def test_view_filters_select_what_conntrack_selects(self):
        cases = [
            ({"orig_l4proto": 17, "orig_port_dst": 53}, ("-p", "udp", "--dport", "53")),
            ({"proto": "tcp", "state": "ESTABLISHED"}, ("-p", "tcp", "--state", "ESTABLISHED")),
            ({"mark": 7}, ("-m", "7")),
            ({"mark": -1}, ("-m", "4294967295")),          # a negative i4 is the same u32
            ({"mark": "4294967295"}, ("-m", "4294967295")),
            ({"orig_ipv4_src": 2130706433}, ("-s", "127.0.0.1")),  # PHP's ip2long("127.0.0.1")
            ({"orig_src": "127.0.0.1"}, ("-s", "127.0.0.1")),
            ({"orig_dst": "127.0.0.0/8", "orig_l4proto": "icmp"}, ("-p", "icmp", "-d", "127.0.0.0/8")),
            ({"family": "ipv6"}, ("-f", "ipv6")),
            ({"zone": 1}, ("-w", "1")),
        ]
        for filters, conntrack_filter in cases:
            with self.subTest(filters=filters):
                expected = ids(*conntrack_filter)
                self.assertTrue(expected, "the lab must have entries for %s" % (conntrack_filter,))
                got = {c["id"] for c in self.server.view(self.session, filters)["connections"]}
                self.assertEqual(expected, got)

    def test_view_array_filter_means_any_of(self):
        got = {c["id"] for c in self.server.view(self.session, {"orig_port_dst": [53, 123], "proto": "udp"})["connections"]}
        self.assertEqual(ids("-p", "udp", "--dport", "53") | ids("-p", "udp", "--dport", "123"), got)

    def test_view_orders_and_pages(self):
        page = self.server.view(self.session, {}, "orig_bytes", "desc", 0, 10)
        values = [c["orig_bytes"] for c in page["connections"]]
        self.assertEqual(sorted(values, reverse=True), values)
        self.assertEqual(10, page["length"])
        second = self.server.view(self.session, {}, "id", "ASC", 5, 5)["connections"]
        first = self.server.view(self.session, {}, "id", "ASC", 0, 10)["connections"]
        self.assertEqual([c["id"] for c in first[5:10]], [c["id"] for c in second])

    def test_view_bad_arguments_are_fault_32602(self):
        self.assertEqual(-32602, self.fault(self.server.view, self.session, {"colour": 1}))
        self.assertEqual(-32602, self.fault(self.server.view, self.session, {}, "colour"))
        self.assertEqual(-32602, self.fault(self.server.view, self.session, {}, "id", "UP"))
        self.assertEqual(-32602, self.fault(self.server.view, self.session, {}, "id", "ASC", -1))
        self.assertEqual(-32602, self.fault(self.server.view, self.session, {"orig_src": "300.1.1.1"}))

    def test_kill_removes_exactly_the_given_ids(self):
        flood_ports = list(range(47000, 48000))
        target = self.server.view(self.session, {"proto": "udp", "orig_port_dst": flood_ports}, "id", "ASC", 0, 2)["connections"]
        self.assertEqual(2, len(target))
        before = int(conntrack("-C")[0])
        killed = self.server.kill(self.session, [target[0]["id"], target[1]["id"], "4294967295"])
        self.assertEqual(2, killed)
        self.assertIsNone(line_of(target[0]["id"]))
        self.assertIsNone(line_of(target[1]["id"]))
        self.assertEqual(before - 2, int(conntrack("-C")[0]))

    def test_kill_unknown_ids_is_zero_and_leaves_the_table_intact(self):
        before = sorted(ids())
        self.assertEqual(0, self.server.kill(self.session, ["4294967295", 1, "12345"]))
        self.assertEqual(before, sorted(ids()))

    def test_change_mark_and_timeout(self):
        flood_ports = list(range(47000, 48000))
        target = self.server.view(self.session, {"proto": "udp", "orig_port_dst": flood_ports}, "id", "ASC", 5, 1)["connections"][0]
        self.assertTrue(self.server.change(self.session, "mark", target["id"], "4294967295"))
        self.assertIn(" mark=4294967295 ", line_of(target["id"]))
        self.assertTrue(self.server.change(self.session, "mark", target["id"], 77))
        self.assertIn(" mark=77 ", line_of(target["id"]))
        self.assertTrue(self.server.change(self.session, "timeout", target["id"], 555))
        timeout = int(line_of(target["id"]).split()[2])
        self.assertTrue(500 <= timeout <= 555, timeout)

    def test_change_errors(self):
        target = self.server.view(self.session, {"proto": "udp"}, "id", "ASC", 0, 1)["connections"][0]
        self.assertEqual(-32602, self.fault(self.server.change, self.session, "state", target["id"], 1))
        self.assertEqual(-32602, self.fault(self.server.change, self.session, "mark", target["id"], "lots"))
        self.assertEqual(4, self.fault(self.server.change, self.session, "mark", "4294967295", 1))

    def test_read_only_user_may_view_but_not_change(self):
        viewer = self.server.login(*VIEWER)
        self.assertGreater(self.server.view(viewer, {}, "id", "ASC", 0, 1)["total"], 0)
        before = sorted(ids())
        self.assertEqual(3, self.fault(self.server.kill, viewer, [next(iter(before))]))
        self.assertEqual(3, self.fault(self.server.change, viewer, "mark", next(iter(before)), 1))
        self.assertEqual(before, sorted(ids()))

    def test_autorefresh_zero_keeps_the_snapshot_until_refresh(self):
        self.assertTrue(self.server.set_autorefresh(self.session, 0))
        first = self.server.view(self.session, {}, "id", "ASC", 0, 1)["snapshot"]
        time.sleep(1.2)
        self.assertEqual(first.value, self.server.view(self.session, {}, "id", "ASC", 0, 1)["snapshot"].value)
        count = self.server.refresh(self.session)
        self.assertEqual(int(conntrack("-C")[0]), count)
        self.assertNotEqual(first.value, self.server.view(self.session, {}, "id", "ASC", 0, 1)["snapshot"].value)

    def test_rates_are_measured_between_snapshots(self):
        send = ("import socket,time\n"
                "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                "s.bind(('127.0.0.1',39999))\n"
                "for i in range(200): s.sendto(b'x'*1000,('127.0.0.1',47999))\n")
        subprocess.run(["ip", "netns", "exec", NETNS, "python3", "-c", send], check=True)
        self.server.refresh(self.session)
        time.sleep(1.0)
        subprocess.run(["ip", "netns", "exec", NETNS, "python3", "-c", send], check=True)
        self.server.refresh(self.session)
        flow = self.server.view(self.session, {"orig_port_src": 39999, "orig_port_dst": 47999})["connections"][0]
        self.assertGreater(flow["orig_rate"], 50_000)   # ~200 kB in about a second
        self.assertEqual(flow["orig_rate"] + flow["repl_rate"], flow["rate"])
        top = self.server.view(self.session, {}, "rate", "DESC", 0, 1)["connections"][0]
        self.assertEqual(flow["id"], top["id"])

    def test_introspection_and_stats(self):
        methods = self.server.system.listMethods()
        for name in ("login", "view", "kill", "change", "refresh", "set_autorefresh", "logout", "stats"):
            self.assertIn(name, methods)
        self.assertIn("order_by", self.server.system.methodHelp("view"))
        self.assertEqual("struct", self.server.system.methodSignature("view")[0][0])
        stats = self.server.stats(self.session)
        self.assertEqual(int(conntrack("-C")[0]), stats["entries"])
        self.assertTrue(stats["accounting"])
        self.assertGreater(stats["max"], 0)
        self.assertEqual(-32601, self.fault(self.server.no_such_method))

    def test_multicall(self):
        calls = xmlrpc.client.MultiCall(self.server)
        calls.refresh(self.session)
        calls.view(self.session, {"proto": "icmp"})
        calls.change(self.session, "colour", "1", 1)
        results = calls()
        self.assertEqual(int(conntrack("-C")[0]), results[0])
        self.assertEqual(len(ids("-p", "icmp")), results[1]["total"])
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            results[2]
        self.assertEqual(-32602, raised.exception.faultCode)

    def test_nested_multicall_is_refused(self):
        result = self.server.system.multicall([{"methodName": "system.multicall", "params": [[]]}])
        self.assertEqual(-32602, result[0]["faultCode"])

    def test_logout_ends_the_session(self):
        self.assertTrue(self.server.logout(self.session))
        self.assertEqual(2, self.fault(self.server.view, self.session))

    def test_sessions_expire_when_idle(self):
        time.sleep(3.5)   # the test server runs with --session-timeout 3
        self.assertEqual(2, self.fault(self.server.view, self.session))

    def test_gzip_transport_both_ways(self):
        class Gzip(xmlrpc.client.Transport):
            encode_threshold = 0   # compress every request
        proxy = xmlrpc.client.ServerProxy(URL, transport=Gzip())
        self.addCleanup(proxy("close"))
        self.assertEqual(int(conntrack("-C")[0]), proxy.view(proxy.login(*ADMIN))["total"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
