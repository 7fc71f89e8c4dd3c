#!/usr/bin/python3
"""The web console of `pyctd serve`, in a real headless Chromium (Debian's chromium and
chromium-driver, driven by Debian's python3-selenium; nothing is downloaded).

Run by Pyctd.Tests (ConsoleInBrowserTests) against servers on a lab namespace; every change is
checked against the kernel's own view, `conntrack -L` inside that namespace.
Environment:
  PYCTD_CONSOLE_URL    a server with a users file (admin, read-only viewer), --session-timeout 3
  PYCTD_NONE_URL       the same lab served with --auth none
  PYCTD_NOCONSOLE_URL  the same lab served with --no-console
  PYCTD_NETNS, PYCTD_ADMIN_PASSWORD, PYCTD_VIEWER_PASSWORD
  PYCTD_ARTIFACTS      where screenshots go
"""
import gzip
import ipaddress
import json
import os
import subprocess
import time
import unittest
import urllib.error
import urllib.request
import xmlrpc.client

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CONSOLE = os.environ["PYCTD_CONSOLE_URL"]
NONE = os.environ["PYCTD_NONE_URL"]
NO_CONSOLE = os.environ["PYCTD_NOCONSOLE_URL"]
NETNS = os.environ["PYCTD_NETNS"]
ADMIN = ("admin", os.environ["PYCTD_ADMIN_PASSWORD"])
VIEWER = ("viewer", os.environ["PYCTD_VIEWER_PASSWORD"])
ARTIFACTS = os.environ.get("PYCTD_ARTIFACTS", "/tmp/pyctd-console-screenshots")
WAIT = 15


def conntrack(*args):
    """Lines of `conntrack ARGS` inside the lab namespace."""
    result = subprocess.run(["ip", "netns", "exec", NETNS, "conntrack", *args],
                            check=True, capture_output=True, text=True)
    return result.stdout.splitlines()


def kernel_ids():
    return {line.rsplit(" id=", 1)[1] for line in conntrack("-L", "-o", "id")}


def kernel_line(connection_id):
    return next((line for line in conntrack("-L", "-o", "id") if line.endswith(" id=" + connection_id)), None)


# Run inside the lab: twelve UDP flows from 127.0.0.1 whose rates change at random every 0.2 s,
# so that a table ordered by rate keeps reordering. Stops by itself after its first argument (s).
TRAFFIC = """
import random, socket, sys, time
flows = []
for i in range(12):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 41000 + i))
    flows.append(s)
end = time.time() + float(sys.argv[1])
payload = bytes(1200)
while time.time() < end:
    for i, s in enumerate(flows):
        for _ in range(random.randint(0, 40)):
            s.sendto(payload, ("127.0.0.7", 9000 + i))
    time.sleep(0.2)
"""


def traffic(seconds):
    return subprocess.Popen(["ip", "netns", "exec", NETNS, "/usr/bin/python3", "-c", TRAFFIC, str(seconds)])


def http_get(url, headers=None):
    """(status, headers, body) of a GET, without following redirects or raising on 4xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def new_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1440,900", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Console(unittest.TestCase):
    """One browser for all tests (starting Chromium takes a while); each test starts logged out."""

    driver = None
    console_errors = []

    @classmethod
    def setUpClass(cls):
        os.makedirs(ARTIFACTS, exist_ok=True)
        cls.driver = new_driver()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()

    def setUp(self):
        self.color_scheme("light")
        self.driver.set_window_size(1440, 900)
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.driver.get(CONSOLE)
        self.driver.execute_script("sessionStorage.clear(); localStorage.clear();")

    def tearDown(self):
        # No console errors in the browser log, in any test.
        errors = [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]
        self.assertEqual([], errors, "errors in the browser console")

    # ---- helpers ------------------------------------------------------------------------------

    def color_scheme(self, scheme):
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def phone(self):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})

    def screenshot(self, name):
        self.driver.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))

    def by_id(self, element_id):
        return self.driver.find_element(By.ID, element_id)

    def until(self, condition, message):
        try:
            return WebDriverWait(self.driver, WAIT, poll_frequency=0.05).until(lambda d: condition())
        except TimeoutException:
            self.fail(message)

    def visible(self, element_id):
        return self.by_id(element_id).is_displayed()

    def renders(self):
        return int(self.driver.execute_script("return Number(document.documentElement.dataset.renders || 0)"))

    def after_render(self, action):
        """Runs action, then waits until the page has painted a new answer from the server."""
        before = self.renders()
        action()
        self.until(lambda: self.renders() > before, "the page did not render a new view")

    def open(self, url=CONSOLE, fragment=""):
        self.driver.get("about:blank")  # a new load even when only the fragment differs
        self.driver.get(url + fragment)

    def login(self, user=ADMIN, fragment=""):
        self.open(fragment=fragment)
        self.until(lambda: self.visible("login-view"), "no login form")
        form = self.by_id("login-form")
        form.find_element(By.NAME, "user").send_keys(user[0])
        form.find_element(By.NAME, "password").send_keys(user[1], Keys.ENTER)
        self.until(lambda: self.visible("console-view") and self.renders() > 0, "did not log in")
        self.pause()

    def pause(self):
        """Refresh off: set_autorefresh(0), so the page stays still while a test looks at it."""
        self.after_render(lambda: self.select("refresh", "0"))

    def select(self, element_id, value):
        self.driver.execute_script(
            "const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change'));",
            element_id, value)

    def rows(self):
        return self.driver.execute_script("""
            return [...document.querySelectorAll('#rows tr')].map(tr => {
              const cells = {};
              for (const td of tr.querySelectorAll('td[class^="col-"]')) cells[td.className.split(' ')[0].slice(4)] = td.textContent;
              return { id: tr.dataset.id, cells };
            });""")

    def total(self):
        text = self.by_id("range").text
        return int(text.rsplit(" of ", 1)[1].replace(",", ""))

    def set_filter(self, name, value):
        field = self.by_id("filters").find_element(By.NAME, name)
        field.clear()
        self.after_render(lambda: field.send_keys(value, Keys.ENTER))  # Enter applies the filters

    def sort_by(self, field):
        self.after_render(lambda: self.driver.find_element(By.CSS_SELECTOR, f'button.sort[data-sort="{field}"]').click())

    def in_page(self, modules, body):
        """Runs JavaScript in the page with the console's modules imported ({"x": "xmlrpc"} binds x); body calls done(result)."""
        names = list(modules)
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const base = document.querySelector('script[type=module]').src.replace(/main\\.js$/, '');"
            f"Promise.all({json.dumps([modules[n] for n in names])}.map((m) => import(base + m + '.js')))"
            f".then(([{', '.join(names)}]) => {{" + body + "});")

    def row_box(self, connection_id):
        return self.driver.find_element(By.CSS_SELECTOR, f'#rows tr[data-id="{connection_id}"] input.row-select')

    # ---- login and sessions ---------------------------------------------------------------------

    def test_wrong_password_is_refused_with_a_message_and_the_right_one_logs_in(self):
        self.open()
        self.until(lambda: self.visible("login-view"), "no login form")
        self.screenshot("login-light")
        form = self.by_id("login-form")
        form.find_element(By.NAME, "user").send_keys("admin")
        form.find_element(By.NAME, "password").send_keys("wrong password", Keys.ENTER)
        self.until(lambda: "Login failed" in self.by_id("login-message").text, "no message for a wrong password")
        self.assertFalse(self.visible("console-view"))
        self.screenshot("login-failed-light")
        form.find_element(By.NAME, "password").send_keys(ADMIN[1], Keys.ENTER)
        self.until(lambda: self.visible("console-view"), "the right password did not log in")
        self.assertIn("admin", self.by_id("user").text)
        # The session id is in no URL.
        session = self.driver.execute_script("return sessionStorage.getItem('pyctd.session')")
        self.assertTrue(session)
        self.assertNotIn(session, self.driver.current_url)

    def test_session_ended_elsewhere_returns_to_login_with_a_message(self):
        self.login()
        session = self.driver.execute_script("return sessionStorage.getItem('pyctd.session')")
        xmlrpc.client.ServerProxy(CONSOLE + "RPC2").logout(session)
        self.until(lambda: self.visible("login-view"), "the page did not notice its session had ended")
        self.assertIn("session has ended", self.by_id("login-message").text)

    def test_an_open_page_keeps_its_session_alive_while_paused(self):
        self.login()  # paused: only the keep-alive calls the server
        time.sleep(4.5)  # longer than the server's --session-timeout 3
        self.assertTrue(self.visible("console-view"))
        self.after_render(lambda: self.by_id("refresh-now").click())
        self.assertTrue(self.visible("console-view"))

    def test_logout_button_ends_the_session(self):
        self.login()
        session = self.driver.execute_script("return sessionStorage.getItem('pyctd.session')")
        self.by_id("logout").click()
        self.until(lambda: self.visible("login-view"), "logout did not show the login form")
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            xmlrpc.client.ServerProxy(CONSOLE + "RPC2").stats(session)
        self.assertEqual(2, raised.exception.faultCode)

    def test_auth_none_logs_straight_in(self):
        self.open(NONE)
        self.until(lambda: self.visible("console-view") and self.renders() > 0, "--auth none did not log in by itself")
        self.assertFalse(self.visible("login-view"))

    # ---- the table ----------------------------------------------------------------------------

    def test_row_count_equals_conntrack(self):
        self.login()
        self.after_render(lambda: self.by_id("refresh-now").click())
        self.assertEqual(len(conntrack("-L")), self.total())
        self.assertEqual(50, len(self.rows()))
        self.screenshot("table-light")

    def test_sort_by_a_column_orders_the_rows(self):
        self.login()
        self.sort_by("id")  # first click: descending
        ids = [int(r["id"]) for r in self.rows()]
        self.assertEqual(sorted(ids, reverse=True), ids)
        self.assertEqual(max(int(i) for i in kernel_ids()), ids[0])
        self.assertIn("sort=id", self.driver.current_url)
        self.sort_by("id")  # second click: ascending
        ids = [int(r["id"]) for r in self.rows()]
        self.assertEqual(sorted(ids), ids)
        self.sort_by("timeout")
        timeouts = [r["cells"]["timeout"] for r in self.rows()]
        self.assertTrue(all(timeouts), timeouts)

    def test_cidr_filter_shows_only_matching_rows_and_lives_in_the_url(self):
        self.login()
        self.set_filter("src", "127.0.0.0/8")
        network = ipaddress.ip_network("127.0.0.0/8")
        expected = [line for line in conntrack("-L") if ipaddress.ip_address(line.split("src=", 1)[1].split()[0]) in network]
        self.assertEqual(len(expected), self.total())
        for row in self.rows():
            self.assertIn(ipaddress.ip_address(row["cells"]["src"].rsplit(":", 1)[0]), network)
        self.assertIn("src=127.0.0.0%2F8", self.driver.current_url)
        # The URL is the view: opened again, it shows the same filter.
        url = self.driver.current_url
        self.driver.get("about:blank")
        self.driver.get(url)
        self.until(lambda: self.visible("console-view") and self.renders() > 0, "the bookmarked view did not open")
        self.assertEqual("127.0.0.0/8", self.by_id("filters").find_element(By.NAME, "src").get_attribute("value"))
        self.assertEqual(len(expected), self.total())

    def test_search_words_map_to_filters(self):
        self.login()
        self.after_render(lambda: self.by_id("filters").find_element(By.NAME, "q").send_keys("udp 127.0.0.1", Keys.ENTER))
        form = self.by_id("filters")
        self.assertEqual("udp", form.find_element(By.NAME, "proto").get_attribute("value"))
        self.assertEqual("127.0.0.1", form.find_element(By.NAME, "src").get_attribute("value"))
        self.assertTrue(all(r["cells"]["proto"] == "udp" for r in self.rows()))

    def test_a_bad_filter_is_reported_not_applied(self):
        self.login()
        self.set_filter("dst", "10.0.0.0/99")
        self.assertIn("Filter not applied", self.by_id("error").text)

    def test_paging_moves_through_the_matches(self):
        self.login()
        self.sort_by("id")
        first = [r["id"] for r in self.rows()]
        total = self.total()
        self.assertGreater(total, 100)
        self.after_render(lambda: self.by_id("next").click())
        second = [r["id"] for r in self.rows()]
        self.assertEqual(50, len(second))
        self.assertFalse(set(first) & set(second))
        self.assertTrue(self.by_id("range").text.startswith("51–100 of"))
        self.after_render(lambda: self.select("page-size", "100"))
        self.assertEqual(100, len(self.rows()))
        self.assertTrue(self.by_id("range").text.startswith("1–100 of"))

    def test_hidden_columns_are_remembered(self):
        self.login()
        self.driver.find_element(By.CSS_SELECTOR, "details.columns summary").click()
        self.driver.find_element(By.CSS_SELECTOR, '#column-list input[data-column="status"]').click()
        self.driver.find_element(By.CSS_SELECTOR, '#column-list input[data-column="zone"]').click()  # hidden until asked for
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "th.col-status, td.col-status"))
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "td.col-zone"))
        self.driver.refresh()
        self.until(lambda: self.visible("console-view") and self.renders() > 0, "reload did not show the console")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "th.col-status"))
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "th.col-zone"))
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "th.col-mark"))

    # ---- actions ------------------------------------------------------------------------------

    def test_kill_two_selected_rows_removes_them_from_the_kernel_and_the_page(self):
        self.login()
        self.sort_by("id")
        ids = [r["id"] for r in self.rows()[:3]]
        # Shift-click selects a range; clicking one again clears it.
        self.row_box(ids[0]).click()
        webdriver.ActionChains(self.driver).key_down(Keys.SHIFT).click(self.row_box(ids[2])).key_up(Keys.SHIFT).perform()
        self.assertEqual("3 selected", self.by_id("selection").text)
        self.row_box(ids[2]).click()
        self.assertEqual("2 selected", self.by_id("selection").text)
        self.by_id("kill").click()
        self.until(lambda: self.visible("confirm"), "no confirmation")
        self.assertIn("Kill 2 connections?", self.by_id("confirm-text").text)
        self.screenshot("dialog-kill-light")
        self.after_render(lambda: self.by_id("confirm-ok").click())
        self.until(lambda: "Killed 2 connections" in self.by_id("result").text, "no report of the kill")
        kernel = kernel_ids()
        self.assertNotIn(ids[0], kernel)
        self.assertNotIn(ids[1], kernel)
        self.assertIn(ids[2], kernel)
        shown = {r["id"] for r in self.rows()}
        self.assertNotIn(ids[0], shown)
        self.assertNotIn(ids[1], shown)

    def test_escape_closes_a_dialog_and_nothing_happens(self):
        self.login()
        connection_id = self.rows()[0]["id"]
        self.row_box(connection_id).click()
        self.by_id("kill").click()
        self.until(lambda: self.visible("confirm"), "no confirmation")
        webdriver.ActionChains(self.driver).send_keys(Keys.ESCAPE).perform()
        self.until(lambda: not self.visible("confirm"), "Escape did not close the dialog")
        self.assertIn(connection_id, kernel_ids())

    def test_set_mark_above_2_31_reaches_the_kernel_and_shows_unsigned(self):
        self.login()
        self.sort_by("id")
        connection_id = self.rows()[0]["id"]
        self.row_box(connection_id).click()
        self.by_id("set-mark").click()
        self.until(lambda: self.visible("confirm"), "no dialog")
        self.by_id("confirm-value").send_keys("0x80000001")
        self.screenshot("dialog-mark-light")
        self.after_render(lambda: self.by_id("confirm-value").send_keys(Keys.ENTER))
        self.until(lambda: "Set mark 2147483649 on 1 connection" in self.by_id("result").text, "no report of the change")
        self.assertIn(" mark=2147483649 ", kernel_line(connection_id))
        self.set_filter("mark", "2147483649")
        self.assertIn(connection_id, [r["id"] for r in self.rows()])
        self.assertEqual("2147483649", next(r for r in self.rows() if r["id"] == connection_id)["cells"]["mark"])

    def test_select_all_matching_changes_every_match_not_only_the_page(self):
        self.login()
        self.set_filter("src", "127.64.0.0/16")  # the flood's entries: more than a page
        total = self.total()
        self.assertGreater(total, 100)
        self.by_id("select-page").click()
        self.assertEqual("50 selected", self.by_id("selection").text)
        self.by_id("select-all-matching").click()
        self.assertEqual(f"All {total:,} matching selected", self.by_id("selection").text)
        self.by_id("set-timeout").click()
        self.until(lambda: self.visible("confirm"), "no dialog")
        self.assertIn(f"of {total:,} connections", self.by_id("confirm-text").text)
        self.after_render(lambda: self.by_id("confirm-value").send_keys("5000", Keys.ENTER))
        self.until(lambda: f"on {total:,} connections" in self.by_id("result").text, "no report of the change")
        network = ipaddress.ip_network("127.64.0.0/16")
        changed = [line for line in conntrack("-L") if ipaddress.ip_address(line.split("src=", 1)[1].split()[0]) in network]
        self.assertEqual(total, len(changed))
        self.assertTrue(all(int(line.split()[2]) <= 5000 for line in changed), "an entry kept its old timeout")

    def test_a_bad_value_is_refused_in_the_dialog(self):
        self.login()
        self.row_box(self.rows()[0]["id"]).click()
        self.by_id("set-timeout").click()
        self.until(lambda: self.visible("confirm"), "no dialog")
        self.by_id("confirm-value").send_keys("-5", Keys.ENTER)
        self.until(lambda: "whole number" in self.by_id("confirm-error").text, "a bad value was not refused")
        self.by_id("confirm-cancel").click()

    def test_read_only_user_sees_no_action_controls(self):
        self.login(VIEWER)
        self.assertIn("read-only", self.by_id("user").text)
        self.assertFalse(self.visible("actions"))
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#rows input, #select-page"))
        for element_id in ("kill", "set-mark", "set-timeout"):
            self.assertFalse(self.visible(element_id))

    def test_live_refresh_does_not_move_the_row_under_the_mouse(self):
        generator = traffic(20)
        self.addCleanup(generator.wait)
        self.addCleanup(generator.terminate)
        self.login(fragment="#proto=udp&src=127.0.0.1&dst=127.0.0.7&sort=rate&dir=desc")
        self.after_render(lambda: self.select("refresh", "1"))
        self.until(lambda: len(self.rows()) >= 12, "the traffic's twelve flows did not show")
        target = self.driver.find_elements(By.CSS_SELECTOR, "#rows tr")[4]
        webdriver.ActionChains(self.driver).move_to_element(target).perform()
        before = self.rows()
        start = self.renders()
        self.until(lambda: self.renders() >= start + 3, "no live refreshes")
        after = self.rows()
        self.assertEqual([r["id"] for r in before], [r["id"] for r in after], "rows moved under the mouse")
        self.assertNotEqual([r["cells"]["orig"] for r in before], [r["cells"]["orig"] for r in after], "values did not change in place")
        # Away from the rows, the live order comes back.
        webdriver.ActionChains(self.driver).move_to_element(self.by_id("range")).perform()
        self.until(lambda: self.rows_follow_rates(), "the order did not follow the rates once the mouse left")

    def rows_follow_rates(self):
        """No row is waiting for the mouse to leave: none is shown as gone, and the order is the server's (rates descending)."""
        if self.by_id("rows").find_elements(By.CSS_SELECTOR, "tr.gone"):
            return False
        rates = self.driver.execute_script("return [...document.querySelectorAll('#rows tr')].map(tr => tr.querySelector('.col-rate').textContent)")
        return len(rates) >= 12

    def test_readme_screenshot_with_live_traffic_and_top_talkers(self):
        generator = traffic(15)
        self.addCleanup(generator.wait)
        self.addCleanup(generator.terminate)
        self.driver.set_window_size(1920, 1080)
        self.login(fragment="#sort=rate&dir=desc")
        self.after_render(lambda: self.select("refresh", "1"))
        self.until(lambda: self.driver.find_elements(By.CSS_SELECTOR, "#talker-rows tr"), "no top talkers")
        time.sleep(3)  # a few refreshes: rates over several snapshots
        self.assertTrue(self.visible("talkers"))
        self.assertIn("/s", self.rows()[0]["cells"]["rate"])
        self.screenshot("console")

    # ---- top talkers --------------------------------------------------------------------------

    def test_top_talkers_panel_hides_itself_when_the_server_has_no_group(self):
        self.login()
        hidden = self.in_page({"t": "talkers", "x": "xmlrpc"}, """
              const panel = document.getElementById('talkers').cloneNode(true);
              panel.hidden = false;
              const talkers = new t.Talkers(panel);
              talkers.show({ fault: new x.Fault(x.FAULT_UNKNOWN_METHOD, "unknown method 'group'") });
              done([panel.hidden, talkers.call({}) === null]);""")
        self.assertEqual([True, True], hidden)

    def test_top_talkers_panel_follows_the_server(self):
        self.login()
        has_group = "group" in xmlrpc.client.ServerProxy(CONSOLE + "RPC2").system.listMethods()
        self.assertEqual(has_group, self.visible("talkers"))
        if has_group:
            self.until(lambda: self.driver.find_elements(By.CSS_SELECTOR, "#talker-rows tr"), "no top talkers")

    # ---- the client's decoder, in the browser ---------------------------------------------------

    def test_decoder_reads_every_type_and_shows_u32_from_negative_i4(self):
        self.login()
        result = self.in_page({"x": "xmlrpc", "f": "format"}, """
              const v = (xml) => x.decodeResponse('<?xml version="1.0"?><methodResponse><params><param><value>' + xml + '</value></param></params></methodResponse>');
              const s = v('<struct><member><name>__proto__</name><value><i4>1</i4></value></member>'
                + '<member><name>mark</name><value><i4>-2147483647</i4></value></member></struct>');
              let fault = null;
              try { x.decodeResponse('<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>2</int></value></member><member><name>faultString</name><value><string>gone</string></value></member></struct></value></fault></methodResponse>'); }
              catch (e) { fault = [e.code, e.message]; }
              done({
                i4: v('<i4>-5</i4>'), int: v('<int>7</int>'), i8: v('<i8>18446744073709</i8>'),
                double: v('<double>4294967296</double>'), string: v('<string>a&amp;b</string>'), bare: v('text'),
                boolean: v('<boolean>1</boolean>'), nil: v('<nil/>'), date: v('<dateTime.iso8601>20261129T18:20:17</dateTime.iso8601>').toISOString(),
                array: v('<array><data><value><int>1</int></value><value>x</value></data></array>'),
                proto: Object.getPrototypeOf(s) === null && s['__proto__'] === 1,
                mark: f.mark(s.mark), markString: f.mark('4294967295'), rate: f.rate(1234567), fault,
                encoded: x.encodeCall('m', [-1, 2147483648, 'a<b', true, null, ['x'], {k: 1.5}]),
              });""")
        self.assertEqual(-5, result["i4"])
        self.assertEqual(7, result["int"])
        self.assertEqual(18446744073709, result["i8"])
        self.assertEqual(4294967296, result["double"])
        self.assertEqual("a&b", result["string"])
        self.assertEqual("text", result["bare"])
        self.assertIs(True, result["boolean"])
        self.assertIsNone(result["nil"])
        self.assertEqual("2026-11-29T18:20:17.000Z", result["date"])
        self.assertEqual([1, "x"], result["array"])
        self.assertTrue(result["proto"])
        self.assertEqual("2147483649", result["mark"])
        self.assertEqual("4294967295", result["markString"])
        self.assertEqual("1.2 MB/s", result["rate"])
        self.assertEqual([2, "gone"], result["fault"])
        self.assertIn("<int>-1</int>", result["encoded"])
        self.assertIn("<double>2147483648</double>", result["encoded"])
        self.assertIn("a&lt;b", result["encoded"])
        self.assertIn("<nil/>", result["encoded"])

    # ---- screenshots: dark, phone -------------------------------------------------------------

    def test_screenshots_dark_and_phone(self):
        self.color_scheme("dark")
        self.open()
        self.until(lambda: self.visible("login-view"), "no login form")
        self.screenshot("login-dark")
        self.login()
        self.sort_by("rate")
        self.screenshot("table-dark")
        self.row_box(self.rows()[0]["id"]).click()
        self.by_id("set-timeout").click()
        self.until(lambda: self.visible("confirm"), "no dialog")
        self.screenshot("dialog-timeout-dark")
        webdriver.ActionChains(self.driver).send_keys(Keys.ESCAPE).perform()
        background = self.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        self.assertEqual("rgb(13, 17, 23)", background)
        for scheme in ("light", "dark"):
            self.color_scheme(scheme)
            self.driver.execute_script("localStorage.clear()")
            self.phone()
            self.driver.refresh()
            self.until(lambda: self.visible("console-view") and self.renders() > 0, "no console at phone width")
            width = self.driver.execute_script("return document.documentElement.scrollWidth")
            self.assertLessEqual(width, 390, "the page is wider than the phone (only the table may scroll)")
            self.screenshot(f"phone-{scheme}")

    def test_zoom_200_percent_keeps_the_page_usable(self):
        self.login()
        self.driver.set_window_size(720, 900)  # 1440 px at 200 %: the same CSS pixels
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 720, "height": 900, "deviceScaleFactor": 2, "mobile": False})
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, 720)
        self.assertTrue(self.by_id("kill").is_displayed())


class Served(unittest.TestCase):
    """What the server answers for the console, over plain HTTP."""

    def assert_security_headers(self, headers):
        policy = headers["Content-Security-Policy"]
        self.assertIn("default-src 'self'", policy)
        self.assertIn("frame-ancestors 'none'", policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertEqual("nosniff", headers["X-Content-Type-Options"])
        self.assertEqual("no-referrer", headers["Referrer-Policy"])

    def test_every_console_response_carries_the_security_headers(self):
        status, headers, body = http_get(CONSOLE)
        self.assertEqual(200, status)
        self.assert_security_headers(headers)
        self.assertEqual("no-cache", headers["Cache-Control"])
        page = body.decode()
        self.assertNotIn("<style", page)
        self.assertNotIn(" style=", page)
        self.assertNotIn("<script>", page)
        script = page.split('<script type="module" src="', 1)[1].split('"', 1)[0]
        status, headers, _ = http_get(CONSOLE + script)
        self.assertEqual(200, status)
        self.assert_security_headers(headers)
        self.assertIn("immutable", headers["Cache-Control"])
        self.assertTrue(headers["Content-Type"].startswith("text/javascript"))
        status, headers, _ = http_get(CONSOLE + script.replace("main.js", "nothing.js"))
        self.assertEqual(404, status)
        self.assert_security_headers(headers)
        status, headers, _ = http_get(CONSOLE + "index.html", {"If-None-Match": http_get(CONSOLE)[1]["ETag"]})
        self.assertEqual(304, status)
        self.assert_security_headers(headers)

    def test_assets_are_gzip_with_etags_and_the_whole_console_is_at_most_100_kib(self):
        status, headers, body = http_get(CONSOLE, {"Accept-Encoding": "gzip"})
        self.assertEqual("gzip", headers["Content-Encoding"])
        page = gzip.decompress(body).decode()
        base = page.split('<script type="module" src="', 1)[1].split('main.js"', 1)[0]
        total = len(body)
        for name in ("main.js", "xmlrpc.js", "format.js", "state.js", "table.js", "session.js", "dialogs.js", "talkers.js", "console.css", "icon.svg"):
            status, headers, body = http_get(CONSOLE + base + name, {"Accept-Encoding": "gzip"})
            self.assertEqual(200, status, name)
            self.assertEqual("gzip", headers["Content-Encoding"], name)
            self.assertTrue(headers["ETag"], name)
            total += len(body)
        print(f"console: {total} bytes gzip in all", flush=True)
        self.assertLessEqual(total, 100 * 1024)

    def test_no_console_answers_404_and_xmlrpc_still_works(self):
        status, _, _ = http_get(NO_CONSOLE)
        self.assertEqual(404, status)
        status, _, _ = http_get(NO_CONSOLE + "index.html")
        self.assertEqual(404, status)
        self.assertIn("view", xmlrpc.client.ServerProxy(NO_CONSOLE + "RPC2").system.listMethods())


if __name__ == "__main__":
    unittest.main(verbosity=2)
