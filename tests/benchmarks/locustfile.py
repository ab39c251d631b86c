"""Locust scenarios of the load benchmark (``bench_load.py`` runs them).

Run by Locust in the benchmark virtualenv (``requirements-bench.txt``),
headless, against servers on loopback only. What they request comes from the
JSON file named by ``KPA_LOCUST_DATA`` (written by bench_load.py); each
request's timing goes to the file named by ``KPA_LOCUST_TIMINGS``, for exact
percentiles.

- ``ShopVisitor``: the e-shop pages both KPA-Cité and plain Odoo have
  (``/shop``, its second page, product pages): the comparison.
- ``NetworkVisitor``: the mix of a visitor of the network, mostly browsing:
  ``/cooperatives``, a cooperative's page, its ``accounts.json``, ``/shop``
  filtered on it, product pages.
- ``Customer``: the cart, checkout and demo payment of a guest buying the
  services of two or three cooperatives (``shop_flow.checkout``).
"""

import itertools
import json
import os
import random
import time

from locust import HttpUser, constant, events, task
from shop_flow import FlowError, checkout, load_data

DATA = load_data(os.environ["KPA_LOCUST_DATA"])
TIMINGS = []
_customers = itertools.count(1)


@events.request.add_listener
def _record(request_type, name, response_time, exception, **_kwargs):
    TIMINGS.append((time.time(), request_type, name, response_time, exception is None))


@events.quitting.add_listener
def _write(**_kwargs):
    path = os.environ.get("KPA_LOCUST_TIMINGS")
    if path:
        with open(path, "w", encoding="utf-8") as file:
            json.dump(TIMINGS, file)


class ShopVisitor(HttpUser):
    """The e-shop's pages, as fast as the server answers."""

    wait_time = constant(0)

    @task(3)
    def shop(self):
        self.client.get("/shop")

    @task(1)
    def shop_page_2(self):
        self.client.get("/shop/page/2")

    @task(3)
    def product(self):
        self.client.get(random.choice(DATA["products"]), name="/shop/[product]")


class NetworkVisitor(HttpUser):
    """A visitor of the network's pages and of the e-shop."""

    wait_time = constant(0)
    weight = 6

    @task(2)
    def cooperatives(self):
        self.client.get("/cooperatives")

    @task(2)
    def cooperative(self):
        slug = random.choice(DATA["cooperatives"])
        self.client.get(f"/cooperatives/{slug}", name="/cooperatives/[slug]")

    @task(1)
    def accounts_json(self):
        slug = random.choice(DATA["cooperatives"])
        self.client.get(
            f"/cooperatives/{slug}/accounts.json",
            name="/cooperatives/[slug]/accounts.json",
        )

    @task(1)
    def shop_of_a_cooperative(self):
        slug = random.choice(DATA["cooperatives"])
        self.client.get(f"/shop?cooperative={slug}", name="/shop?cooperative=[slug]")

    @task(3)
    def shop(self):
        self.client.get("/shop")

    @task(3)
    def product(self):
        self.client.get(random.choice(DATA["products"]), name="/shop/[product]")


class Customer(HttpUser):
    """A guest who buys the services of two or three cooperatives, then
    comes back a little later for another cart."""

    wait_time = constant(1)
    weight = 2

    @task
    def buy(self):
        self.client.cookies.clear()  # a new guest, with a new cart
        catalogue = DATA["checkout"]["catalogue"]
        chosen = random.sample(sorted(catalogue), random.choice((2, 3)))
        products = [random.choice(catalogue[coop]) for coop in chosen]
        number = next(_customers)
        customer = {
            "name": f"Client·e {os.getpid()}-{number}",
            "email": f"client{os.getpid()}-{number}@bench.example.com",
            "phone": "+33 3 20 00 00 00",
            "street": f"{number} rue de la Paix",
            "city": "Roubaix",
            "zip": "59100",
            "country_id": DATA["checkout"]["country_id"],
        }
        try:
            result = checkout(self.client, products, customer)
            if result["confirmed_orders"] != len(chosen):
                raise FlowError(
                    "confirmation",
                    f"{result['confirmed_orders']} orders listed, not {len(chosen)}",
                )
        except (FlowError, ValueError, KeyError) as exc:
            events.request.fire(
                request_type="FLOW",
                name="checkout",
                response_time=0,
                response_length=0,
                exception=exc,
                context={},
            )
        else:
            events.request.fire(
                request_type="FLOW",
                name="checkout",
                response_time=0,
                response_length=0,
                exception=None,
                context={},
            )
