"""The figure pushed to each kind of target, checked against a model of the shop's own stock."""

import itertools
import json
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from inventree_commerce_sync.core.errors import ConfigError, InputError
from inventree_commerce_sync.core.levels import QuantityPolicy
from inventree_commerce_sync.core.offer import (
    AFTER_OPEN_ORDERS,
    AVAILABLE,
    DEFAULT_MODE,
    IN_STOCK,
    OpenLine,
    OrderBehaviour,
    PartStock,
    make_offer,
    open_order_totals,
    order_behaviour,
    parse_mode,
)
from inventree_commerce_sync.targets import target_class

D = Decimal
RESERVES = OrderBehaviour.RESERVES_OPEN_ORDERS
DECREMENTS = OrderBehaviour.DECREMENTS_ON_ORDER


# -- a model of each kind of shop ------------------------------------------------------------------

@dataclass
class DecrementingShop:
    """WooCommerce, Invoice Ninja, Magento legacy: an order lowers the stock at placement."""

    stock: Decimal = D(0)

    def push(self, quantity):
        self.stock = quantity

    def place(self, quantity):
        self.stock -= quantity

    def ship(self, quantity):
        pass

    @property
    def sellable(self):
        return max(self.stock, D(0))

    def reserved(self):
        return D(0)


@dataclass
class ReservingShop:
    """Magento MSI / Zoho: an order reserves; a shipment deducts the source and ends the reservation."""

    source: Decimal = D(0)
    reservations: Decimal = D(0)

    def push(self, quantity):
        self.source = quantity

    def place(self, quantity):
        self.reservations += quantity

    def ship(self, quantity):
        self.source -= quantity
        self.reservations -= quantity

    @property
    def sellable(self):
        return max(self.source - self.reservations, D(0))

    def reserved(self):
        return self.reservations


@dataclass
class World:
    """InvenTree (stock and imported open orders per channel) and four shops."""

    in_stock: Decimal
    open_orders: dict = field(default_factory=dict)  # channel -> unshipped
    shops: dict = field(default_factory=lambda: {
        "woocommerce": DecrementingShop(), "invoiceninja": DecrementingShop(),
        "magento": ReservingShop(), "zoho": ReservingShop()})

    def offer(self, channel):
        shop = self.shops[channel]
        behaviour = order_behaviour(target_class(channel), {})
        stock = PartStock(self.in_stock, open_unshipped=sum(self.open_orders.values(), D(0)),
                          shop_reserved=shop.reserved())
        return make_offer(stock, behaviour=behaviour, integer=True)

    def push_all(self):
        for channel, shop in self.shops.items():
            shop.push(self.offer(channel).quantity)

    def order(self, channel, quantity):
        """Placed on the shop, then imported into InvenTree (orders first)."""
        self.shops[channel].place(quantity)
        self.open_orders[channel] = self.open_orders.get(channel, D(0)) + quantity

    def ship_in_inventree(self, channel, quantity):
        self.in_stock -= quantity
        self.open_orders[channel] -= quantity

    def sellable(self):
        return {channel: shop.sellable for channel, shop in self.shops.items()}


@pytest.mark.parametrize("channel", ["magento", "zoho", "woocommerce", "invoiceninja"])
def test_an_order_of_2_on_a_shop_leaves_it_exactly_2_lower_after_import_and_push(channel):
    world = World(D(10))
    world.push_all()
    assert world.shops[channel].sellable == 10
    world.order(channel, D(2))
    world.push_all()
    assert world.shops[channel].sellable == 8  # not 10 (sale undone), not 6 (counted twice)
    world.in_stock += 5  # a stock change in InvenTree, pushed again
    world.push_all()
    assert world.shops[channel].sellable == 13


def test_an_order_on_magento_is_sent_back_as_its_own_reservation():
    offer = make_offer(PartStock(D(10), open_unshipped=D(2), shop_reserved=D(2)), behaviour=RESERVES, integer=True)
    assert offer.quantity == 10  # source quantity
    assert offer.sellable == 8   # salable once Magento subtracts its reservation
    assert [s.key for s in offer.steps] == ["in_stock", "open_orders", "shop_reserved"]


def test_an_order_on_woocommerce_lowers_what_every_other_shop_offers_by_2():
    world = World(D(10))
    world.push_all()
    world.order("woocommerce", D(2))
    assert world.sellable() == {"woocommerce": 8, "invoiceninja": 10, "magento": 10, "zoho": 10}
    world.push_all()  # the flush after the import
    assert world.sellable() == {"woocommerce": 8, "invoiceninja": 8, "magento": 8, "zoho": 8}
    assert world.shops["woocommerce"].stock == 8  # its own decrement is kept, not counted again


def test_orders_on_every_channel_are_each_counted_once_everywhere():
    world = World(D(20))
    for channel, quantity in (("woocommerce", 2), ("magento", 3), ("zoho", 1), ("invoiceninja", 4)):
        world.order(channel, D(quantity))
    world.push_all()
    assert set(world.sellable().values()) == {D(10)}
    assert world.shops["magento"].source == 13  # 10 + its own 3
    assert world.shops["zoho"].source == 11


def test_shipping_in_inventree_or_on_the_shop_changes_no_offer():
    world = World(D(10))
    world.order("magento", D(2))
    world.order("woocommerce", D(1))
    world.push_all()
    assert set(world.sellable().values()) == {D(7)}
    world.ship_in_inventree("magento", D(2))  # stock leaves in stock and the line together
    world.push_all()
    assert set(world.sellable().values()) == {D(7)}  # Magento still reserves 2 until it ships
    world.shops["magento"].ship(D(2))  # the shipment reaches Magento: source -2, reservation ends
    assert set(world.sellable().values()) == {D(7)}
    world.push_all()
    assert set(world.sellable().values()) == {D(7)}
    assert world.shops["magento"].source == 7


def test_a_shop_that_shipped_before_inventree_does_not_get_the_goods_back():
    # Magento shipped (source -2, no reservation); InvenTree still has the line open and the stock.
    world = World(D(10))
    world.order("magento", D(2))
    world.push_all()
    world.shops["magento"].ship(D(2))
    world.push_all()  # shop_reserved is the shop's view: 0
    assert world.sellable() == {"woocommerce": 8, "invoiceninja": 8, "magento": 8, "zoho": 8}


# -- the formula -----------------------------------------------------------------------------------

def test_an_allocated_line_is_subtracted_once():
    # A line of 5 with 3 allocated takes 5 off, not 8.
    lines = open_order_totals([OpenLine(D(5), allocated_here=D(3))])
    offer = make_offer(PartStock(D(20), sales_allocated=D(3)).with_open_orders(lines))
    assert offer.quantity == 15
    assert make_offer(PartStock(D(20), sales_allocated=D(3)), mode=AVAILABLE).quantity == 17


def test_an_over_allocated_line_holds_what_is_allocated():
    lines = open_order_totals([OpenLine(D(2), allocated_here=D(5)), OpenLine(D(4))])
    assert (lines.unshipped, lines.over_allocated) == (D(6), D(3))
    stock = PartStock(D(20), sales_allocated=D(5)).with_open_orders(lines)
    offer = make_offer(stock)
    assert offer.quantity == 11  # 20 - 6 unshipped - 3 allocated beyond it
    assert offer.quantity <= make_offer(stock, mode=AVAILABLE).quantity
    assert [(s.key, s.amount) for s in offer.steps][1:] == [("open_orders", -6), ("over_allocated", -3)]


def test_stock_allocated_outside_the_location_is_not_taken_off_it():
    # Location A holds 10. One line of 5 has 3 allocated from B: only its unallocated 2 count here.
    lines = open_order_totals([OpenLine(D(5), allocated_elsewhere=D(3)), OpenLine(D(1), allocated_elsewhere=D(4))])
    assert (lines.unshipped, lines.allocated_elsewhere, lines.over_allocated) == (D(6), D(4), D(0))
    offer = make_offer(PartStock(D(10)).with_open_orders(lines))
    assert offer.quantity == 8
    # Allocated both here and elsewhere beyond the line: what is here is held.
    both = open_order_totals([OpenLine(D(5), allocated_here=D(3), allocated_elsewhere=D(3))])
    assert make_offer(PartStock(D(10)).with_open_orders(both)).quantity == 7


def test_build_allocations_are_subtracted_in_both_reducing_modes():
    stock = PartStock(D(10), sales_allocated=D(1), build_allocated=D(4), open_unshipped=D(2))
    assert make_offer(stock, mode=IN_STOCK).quantity == 10
    assert make_offer(stock, mode=AVAILABLE).quantity == 5
    assert make_offer(stock, mode=AFTER_OPEN_ORDERS).quantity == 4


def test_in_stock_and_available_are_sent_as_before_even_to_a_reserving_shop():
    stock = PartStock(D(10), sales_allocated=D(2), open_unshipped=D(2), shop_reserved=D(2))
    assert make_offer(stock, mode=IN_STOCK, behaviour=RESERVES).quantity == 10
    assert make_offer(stock, mode=AVAILABLE, behaviour=RESERVES).quantity == 8
    assert make_offer(stock, mode=AVAILABLE, behaviour=RESERVES).sellable == 6  # what the shop then offers


def test_a_negative_figure_is_floored_and_the_explanation_shows_it():
    offer = make_offer(PartStock(D(3), open_unshipped=D(5), build_allocated=D(1)),
                       policy=QuantityPolicy(buffer=D(1)), integer=True)
    assert offer.quantity == 0
    assert [(s.key, s.amount, s.total) for s in offer.steps] == [
        ("in_stock", 3, 3), ("open_orders", -5, -2), ("build_allocated", -1, -3), ("buffer", -1, -4),
        ("floor", 4, 0)]


def test_an_oversold_part_on_a_reserving_shop_offers_nothing():
    offer = make_offer(PartStock(D(3), open_unshipped=D(6), shop_reserved=D(2)), behaviour=RESERVES, integer=True)
    assert (offer.quantity, offer.sellable) == (2, 0)  # the source covers the shop's own reservation only


def test_buffer_rounding_and_cap_apply_to_what_the_shop_offers():
    policy = QuantityPolicy(buffer=D(2), cap=D(5))
    stock = PartStock(D("20.5"), open_unshipped=D(3), shop_reserved=D(3))
    reserving = make_offer(stock, behaviour=RESERVES, policy=policy, integer=True)
    decrementing = make_offer(stock, behaviour=DECREMENTS, policy=policy, integer=True)
    assert decrementing.quantity == decrementing.sellable == 5
    assert (reserving.quantity, reserving.sellable) == (8, 5)
    assert [s.key for s in reserving.steps] == [
        "in_stock", "open_orders", "buffer", "rounding", "cap", "shop_reserved"]


@pytest.mark.parametrize("mode", [IN_STOCK, AVAILABLE, AFTER_OPEN_ORDERS])
@pytest.mark.parametrize("integer", [True, False])
@pytest.mark.parametrize("policy", [QuantityPolicy(), QuantityPolicy(buffer=D("1.5")), QuantityPolicy(cap=D(4)),
                                    QuantityPolicy(buffer=D(1), cap=D("2.5"))])
def test_the_steps_give_what_the_quantity_policy_gives(mode, integer, policy):
    for in_stock in ("0", "0.4", "3", "7.9", "12"):
        stock = PartStock(D(in_stock), sales_allocated=D(1), build_allocated=D("0.5"), open_unshipped=D(2))
        before = {IN_STOCK: stock.in_stock, AVAILABLE: stock.in_stock - D("1.5"),
                  AFTER_OPEN_ORDERS: stock.in_stock - D("2.5")}[mode]
        offer = make_offer(stock, mode=mode, policy=policy, integer=integer)
        assert offer.quantity == policy.apply(before, integer=integer)
        assert offer.steps[-1].total == offer.quantity
        assert sum(s.amount for s in offer.steps) == offer.quantity


@pytest.mark.parametrize("mode", [IN_STOCK, AVAILABLE, AFTER_OPEN_ORDERS])
@pytest.mark.parametrize("behaviour", [RESERVES, DECREMENTS])
def test_without_the_explanation_the_figures_are_the_same(mode, behaviour):
    for in_stock in ("0", "0.4", "3", "7.9", "12"):
        for policy, over, integer in itertools.product(
                (QuantityPolicy(), QuantityPolicy(buffer=D("1.5"), cap=D(6)), QuantityPolicy(cap=D("2.5"))),
                (D(0), D("0.75")), (True, False)):
            stock = PartStock(D(in_stock), sales_allocated=D(1), build_allocated=D("0.5"), open_unshipped=D(2),
                              allocated_elsewhere=D(1), over_allocated=over, shop_reserved=D("1.5"))
            how = dict(mode=mode, behaviour=behaviour, policy=policy, integer=integer)
            full, bare = make_offer(stock, **how), make_offer(stock, **how, explain=False)
            assert (str(bare.quantity), str(bare.sellable), bare.mode, bare.behaviour) == (
                str(full.quantity), str(full.sellable), full.mode, full.behaviour)
            assert bare.steps == () and full.steps


def test_the_explanation_shows_each_location_and_is_json():
    stock = PartStock(D(10), open_unshipped=D(2), shop_reserved=D(2),
                      locations=(("Warehouse/Shelf A", D(6)), ("Warehouse/Shelf B", D(4))))
    offer = make_offer(stock, behaviour=RESERVES, policy=QuantityPolicy(buffer=D(1)), integer=True)
    data = json.loads(json.dumps(offer.to_json()))
    assert data["quantity"] == "9" and data["sellable"] == "7"
    assert data["mode"] == "available_after_open_orders" and data["behaviour"] == "reserves_open_orders"
    assert data["steps"] == [
        {"key": "in_stock", "label": "in stock at Warehouse/Shelf A", "amount": "6", "total": "6"},
        {"key": "in_stock", "label": "in stock at Warehouse/Shelf B", "amount": "4", "total": "10"},
        {"key": "open_orders", "label": "open sales orders (unshipped, allocated or not)", "amount": "-2",
         "total": "8"},
        {"key": "buffer", "label": "safety buffer", "amount": "-1", "total": "7"},
        {"key": "shop_reserved", "label": "the shop's own open orders (it reserves them itself)", "amount": "2",
         "total": "9"},
    ]
    assert offer.text().splitlines()[2].endswith("-2 = 8")


def test_zero_stock_still_explains_itself():
    offer = make_offer(PartStock(D(0)))
    assert offer.quantity == 0
    assert [s.to_json() for s in offer.steps] == [{"key": "in_stock", "label": "in stock", "amount": "0",
                                                   "total": "0"}]


# -- behaviour, mode and bad input ---------------------------------------------------------------

@pytest.mark.parametrize(("target", "config", "expected"), [
    ("magento", {}, RESERVES),
    ("magento", {"mode": "msi"}, RESERVES),
    ("magento", {"mode": "legacy"}, DECREMENTS),
    ("magento", {"mode": " Legacy "}, DECREMENTS),
    ("zoho", {}, RESERVES),
    ("woocommerce", {}, DECREMENTS),
    ("invoiceninja", None, DECREMENTS),
])
def test_order_behaviour_of_each_target(target, config, expected):
    assert order_behaviour(target_class(target), config) is expected


def test_a_client_that_declares_no_order_behaviour_is_taken_to_decrement():
    class Undeclared:  # not an OrderSource: the figure as it is, never more
        name = "magento"

    assert order_behaviour(Undeclared, {"mode": "msi"}) is DECREMENTS
    assert order_behaviour("magento", {}) is DECREMENTS  # a name is not asked: no table of names


def test_order_behaviour_of_a_client_class_or_instance():
    from inventree_commerce_sync.targets import build_target

    magento = target_class("magento")
    assert order_behaviour(magento) is RESERVES
    assert order_behaviour(magento, {"mode": "legacy"}) is DECREMENTS
    legacy = build_target("magento", {"url": "https://shop.example.com", "token": "t", "mode": "legacy"})
    assert order_behaviour(legacy) is DECREMENTS  # its own config
    assert order_behaviour(target_class("woocommerce")) is DECREMENTS

    class Declares:
        name = "magento"

        @classmethod
        def order_behaviour(cls, config):
            return "decrements_on_order" if config.get("x") else OrderBehaviour.RESERVES_OPEN_ORDERS

    assert order_behaviour(Declares) is RESERVES
    assert order_behaviour(Declares, {"x": 1}) is DECREMENTS  # the client is asked before the table


def test_the_mode_defaults_to_after_open_orders_and_names_the_choices():
    assert parse_mode(None) == parse_mode("") == DEFAULT_MODE == AFTER_OPEN_ORDERS
    assert parse_mode(" Available ") == AVAILABLE
    with pytest.raises(ConfigError, match="QUANTITY must be one of available_after_open_orders, available, "
                                          "in_stock \\(got 'free'\\)"):
        parse_mode("free")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"in_stock": "-1"}, "in stock -1 is negative"),
    ({"in_stock": "many"}, "in stock 'many' is not a number"),
    ({"in_stock": "NaN"}, "in stock 'NaN' is not a finite number"),
    ({"in_stock": True}, "in stock True is not a number"),
    ({"in_stock": 1, "build_allocated": "-2"}, "build allocated -2 is negative"),
    ({"in_stock": 1, "open_unshipped": 1, "allocated_elsewhere": 2}, "allocated elsewhere 2 is more than"),
    ({"in_stock": 5, "locations": (("A", 2), ("B", 2))}, "add up to 4, not to in stock 5"),
])
def test_bad_numbers_are_refused_with_what_to_fix(kwargs, message):
    with pytest.raises(InputError, match=message):
        PartStock(**kwargs)


def test_an_unknown_mode_in_make_offer_is_refused():
    with pytest.raises(ConfigError, match="quantity mode must be one of"):
        make_offer(PartStock(D(1)), mode="all")
