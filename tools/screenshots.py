"""Screenshots of the pages of the demo network at 375 px and 1280 px wide.

Run by `./kpa screenshots [DIR]` with the project's virtualenv (it needs
websocket-client), against an Odoo server that serves a copy of the demo
database. It drives headless Chromium through the DevTools protocol: the
visitor's pages first, then a member's (login), with a service in the cart.

    .venv/bin/python tools/screenshots.py --url http://127.0.0.1:8069 \
        --chrome /usr/bin/chromium --out DIR
"""

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

WIDTHS = ((375, 812), (1280, 900))
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--lang=fr-FR",
)
# Longest page captured, in CSS pixels (a long page is cut there).
MAX_HEIGHT = 12000
DEMO_MEMBER = "membre-la-cape"


class Chrome:
    """Just enough of the DevTools protocol: commands, and waiting for the
    load event of a page."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="kpa-screenshots-")
        self.proc = subprocess.Popen(
            [
                binary,
                *CHROME_FLAGS,
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("Chromium did not start")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as response:
            pages = [t for t in json.load(response) if t["type"] == "page"]
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.next_id = 0
        self.events = []
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message["method"])

    def wait_event(self, name, timeout=60):
        deadline = time.monotonic() + timeout
        while name not in self.events:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {name} within {timeout} s")
            self.ws.settimeout(max(deadline - time.monotonic(), 0.1))
            message = json.loads(self.ws.recv())
            if "method" in message:
                self.events.append(message["method"])
        self.ws.settimeout(60)

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url):
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        # Let the public widgets start (charts, lazy images).
        time.sleep(1.5)

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def full_height(chrome):
    return chrome.evaluate(
        "Math.max(document.documentElement.scrollHeight, document.body.scrollHeight,"
        " (document.getElementById('wrapwrap') || document.body).scrollHeight)"
    )


def capture(chrome, url, name, out):
    """`url` at each width, the whole page, into out/<width>/<name>.png."""
    for width, height in WIDTHS:
        chrome.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 800,
        )
        chrome.goto(url)
        page_height = min(full_height(chrome), MAX_HEIGHT)
        # The whole page in one viewport, so that what Odoo scrolls inside
        # #wrapwrap is drawn too.
        chrome.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=max(page_height, height),
            deviceScaleFactor=1,
            mobile=width < 800,
        )
        time.sleep(0.5)
        shot = chrome.send("Page.captureScreenshot", format="png")
        path = out / str(width) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        print(f"  {path} ({width} px, {chrome.evaluate('location.pathname')})")


def first_link(chrome, selector):
    return chrome.evaluate(
        f"(document.querySelector({json.dumps(selector)}) || {{}}).href || null"
    )


def login(chrome, base, user):
    """Log in through the login form (the demo's passwords are the logins)."""
    chrome.goto(f"{base}/web/login")
    chrome.events.clear()
    chrome.evaluate(
        f"""(() => {{
            document.querySelector("input[name='login']").value = {json.dumps(user)};
            document.querySelector("input[name='password']").value = {json.dumps(user)};
            document.querySelector("form.oe_login_form").submit();
        }})()"""
    )
    chrome.wait_event("Page.loadEventFired")
    if chrome.evaluate("location.pathname").startswith("/web/login"):
        raise RuntimeError(f"{user} could not log in on {base}")


def wait_for(chrome, expression, timeout=30):
    deadline = time.monotonic() + timeout
    while not chrome.evaluate(expression):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{expression}: still false after {timeout} s")
        time.sleep(0.5)


def add_to_cart(chrome, product_url):
    chrome.goto(product_url)
    chrome.evaluate("document.querySelector('#add_to_cart').click()")
    wait_for(
        chrome,
        "[...document.querySelectorAll('.my_cart_quantity')]"
        ".some((badge) => badge.textContent.trim() !== '0')",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the Odoo server")
    parser.add_argument("--chrome", required=True, help="Chromium's binary")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    chrome = Chrome(args.chrome)
    try:
        # The visitor's pages, in French (the network's language).
        chrome.send(
            "Network.setCookie",
            name="frontend_lang",
            value="fr_FR",
            url=base,
        )
        chrome.goto(f"{base}/cooperatives")
        cooperative = first_link(
            chrome, ".o_kpa_cooperative_card[data-kpa-slug='la-cape'] h3 a"
        ) or first_link(chrome, ".o_kpa_cooperative_card h3 a")
        chrome.goto(f"{base}/shop")
        product = first_link(chrome, ".oe_product a.oe_product_image_link") or (
            first_link(chrome, ".oe_product a[href*='/shop/']")
        )
        pages = [
            ("01-home", f"{base}/"),
            ("02-cooperatives", f"{base}/cooperatives"),
        ]
        if cooperative:
            pages += [
                ("03-cooperative", cooperative),
                ("04-cooperative-rules", f"{cooperative}/rules"),
                ("05-cooperative-accounts", f"{cooperative}/accounts"),
            ]
        pages += [
            ("06-open-accounts", f"{base}/accounts"),
            ("07-launch-request", f"{base}/launch"),
            ("08-contact", f"{base}/contactus"),
            ("09-shop", f"{base}/shop"),
        ]
        if product:
            pages.append(("10-product", product))
        print(f"Screenshots into {args.out}:")
        for name, url in pages:
            capture(chrome, url, name, args.out)

        # A member's pages, with a service in the cart.
        login(chrome, base, DEMO_MEMBER)
        chrome.goto(f"{base}/my/decisions")
        decision = first_link(
            chrome, ".o_kpa_portal_decision:has(.badge.text-bg-info) a"
        ) or first_link(chrome, ".o_kpa_portal_decision a")
        if product:
            add_to_cart(chrome, product)
        member_pages = [
            ("11-my-account", f"{base}/my"),
            ("12-my-memberships", f"{base}/my/cooperatives"),
            ("13-my-contributions", f"{base}/my/contributions"),
            ("14-my-decisions", f"{base}/my/decisions"),
        ]
        if decision:
            member_pages.append(("15-decision-to-vote", decision))
        member_pages += [
            ("16-cart", f"{base}/shop/cart"),
            ("17-checkout", f"{base}/shop/checkout"),
        ]
        for name, url in member_pages:
            capture(chrome, url, name, args.out)
    finally:
        chrome.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
