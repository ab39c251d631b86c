def post_init_hook(env):
    """The stock places the cooperatives have already become pickup points."""
    env["kpa.cooperative"].search([("warehouse_id", "!=", False)])._kpa_offer_pickup()
