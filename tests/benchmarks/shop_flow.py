"""A customer of the e-shop, over HTTP, as a browser would be.

Shared by the concurrent checkouts benchmark (``bench_checkouts.py``, with
``requests``) and the Locust load scenario (``locustfile.py``, with Locust's
own HTTP session): both give a ``client`` with ``request(method, path,
name=None, **kwargs)`` returning a ``requests.Response``.

Standard library only (plus what the client brings), so that it runs in
Odoo's virtualenv and in the benchmark one (Locust) alike.

The flow is the one of website_sale 18.0 with the demo payment provider,
step by step, as its pages and scripts drive it:

1. a product page (the CSRF token of the forms);
2. ``POST /shop/cart/update`` for each service (redirected to the cart);
3. ``/shop/checkout``, redirected to the address form (an anonymous cart);
4. ``POST /shop/address/submit`` (the form's JSON answer gives the next page);
5. that page, redirected to ``/shop/payment`` (services only: no delivery);
6. ``/shop/payment/transaction/<order>`` (JSON-RPC, as payment_form.js);
7. ``/payment/demo/simulate_payment`` (JSON-RPC, as payment_demo's script);
8. ``/payment/status``, then ``/payment/status/poll`` until the transaction is
   final (as post_processing.js: again after 3 s when the server answers
   "retry", which is how Odoo asks the browser to come back after a
   concurrency error);
9. the landing route ``/shop/payment/validate``, redirected to
   ``/shop/confirmation``.
"""

import html
import itertools
import json
import re
import time

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"|csrf_token:\s*"([^"]+)"')
PAYMENT_FORM = re.compile(r'<form[^>]*id="o_payment_form"[^>]*>', re.S)
DEMO_RADIO = re.compile(r'<input[^>]*name="o_payment_radio"[^>]*>', re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
CONFIRMED_ORDER = re.compile(r'class="[^"]*\bo_kpa_confirmation_order\b')
# The polling delays of post_processing.js: at once, then every 3 s.
POLL_DELAYS = (0, 3, 3, 3, 3, 3, 3, 3, 3, 3)
_rpc_ids = itertools.count(1)


class FlowError(Exception):
    """A step of the flow did not answer as a browser expects."""

    def __init__(self, step, detail):
        super().__init__(f"{step}: {detail}")
        self.step = step


def attributes(tag):
    return {name: html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}


def csrf_token(page, step):
    match = CSRF.search(page)
    if not match:
        raise FlowError(step, "no CSRF token in the page")
    return match.group(1) or match.group(2)


def expect(response, step, statuses=(200,)):
    if response.status_code not in statuses:
        raise FlowError(step, f"HTTP {response.status_code} on {response.url}")
    return response


def json_rpc(client, path, params, name=None, retry_errors=()):
    """Call a ``type="json"`` route; return (result, error message or None).
    An error whose message is in `retry_errors` is returned, any other one
    raises."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": params,
        "id": next(_rpc_ids),
    }
    response = expect(
        client.request("POST", path, name=name or path, json=payload), name or path
    )
    body = response.json()
    if "error" in body:
        data = body["error"].get("data") or {}
        message = data.get("message") or body["error"].get("message")
        if message in retry_errors:
            return None, message
        raise FlowError(name or path, f"JSON-RPC error: {message}")
    return body.get("result"), None


def checkout(client, products, customer, sync=lambda step: None):
    """Buy `products` (dicts with ``url`` and ``variant_id``) as the guest
    `customer` (dict of address values: name, email, phone, street, city,
    zip, country_id), and pay with the demo provider.

    `sync(step)` is called before the cart is filled and before the payment
    (the concurrent benchmark makes every customer wait there for the others).

    :return: dict with the order id and reference of the cart, the payment's
        amount and reference, the number of orders the confirmation page
        lists, and how often the status poll was asked to come back
    """
    page = expect(
        client.request("GET", products[0]["url"], name="/shop/[product]"),
        "product page",
    )
    token = csrf_token(page.text, "product page")
    sync("cart")
    for product in products:
        response = expect(
            client.request(
                "POST",
                "/shop/cart/update",
                data={
                    "product_id": product["variant_id"],
                    "add_qty": 1,
                    "csrf_token": token,
                },
            ),
            "add to cart",
        )
        if "/shop/cart" not in response.url:
            raise FlowError("add to cart", f"landed on {response.url}")
    response = expect(client.request("GET", "/shop/checkout"), "checkout")
    if "/shop/address" not in response.url:
        raise FlowError("checkout", f"landed on {response.url}, not the address form")
    token = csrf_token(response.text, "address form")
    response = expect(
        client.request(
            "POST",
            "/shop/address/submit",
            data={
                **customer,
                "address_type": "billing",
                "use_delivery_as_billing": "true",
                "csrf_token": token,
            },
        ),
        "address",
    )
    answer = response.json()
    # address.js goes where the answer says (redirectUrl; successUrl in some
    # 18.0 revisions), or shows the invalid fields.
    next_url = answer.get("redirectUrl") or answer.get("successUrl")
    if not next_url:
        raise FlowError("address", f"refused: {answer}")
    response = expect(
        client.request("GET", next_url, name="/shop/checkout?try_skip_step"),
        "payment page",
    )
    if "/shop/payment" not in response.url:
        raise FlowError("payment page", f"landed on {response.url}")
    form = PAYMENT_FORM.search(response.text)
    radios = [attributes(tag) for tag in DEMO_RADIO.findall(response.text)]
    demo = [radio for radio in radios if radio.get("data-provider-code") == "demo"]
    if not form or not demo:
        raise FlowError("payment page", "no payment form with the demo provider")
    context = attributes(form.group(0))
    route = context["data-transaction-route"]
    order_id = int(route.rsplit("/", 1)[1])
    sync("pay")
    processing, _error = json_rpc(
        client,
        route,
        {
            "provider_id": int(demo[0]["data-provider-id"]),
            "payment_method_id": int(demo[0]["data-payment-option-id"]),
            "token_id": None,
            "amount": float(context["data-amount"]),
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": context["data-landing-route"],
            "is_validation": False,
            "access_token": context["data-access-token"],
        },
        name="/shop/payment/transaction/[order]",
    )
    json_rpc(
        client,
        "/payment/demo/simulate_payment",
        {
            "reference": processing["reference"],
            "payment_details": "4242",
            "simulated_state": "done",
        },
    )
    expect(client.request("GET", "/payment/status"), "payment status")
    come_back = 0
    for delay in POLL_DELAYS:
        time.sleep(delay)
        status, error = json_rpc(
            client, "/payment/status/poll", {}, retry_errors=("retry",)
        )
        if error:
            come_back += 1
            continue
        if status["state"] in ("authorized", "done", "cancel", "error"):
            break
    else:
        raise FlowError("payment status", "the payment was not processed in time")
    if status["state"] != "done":
        raise FlowError("payment status", f"payment {status['state']}")
    response = expect(
        client.request("GET", status["landing_route"], name="/shop/payment/validate"),
        "confirmation",
    )
    if "/shop/confirmation" not in response.url:
        raise FlowError("confirmation", f"landed on {response.url}")
    return {
        "order_id": order_id,
        "amount": float(context["data-amount"]),
        "reference": processing["reference"],
        "confirmed_orders": len(CONFIRMED_ORDER.findall(response.text)),
        "come_back": come_back,
    }


def load_data(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)
