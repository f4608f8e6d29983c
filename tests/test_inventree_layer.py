"""The InvenTree layer's pure parts, without InvenTree: event -> parts mapping, settings
definitions and validation, SKU choice, environment fallback for secrets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventree_commerce_sync.core.errors import ConfigError
from inventree_commerce_sync.inventree import config as C
from inventree_commerce_sync.inventree import events as E
from inventree_commerce_sync.targets import TARGETS, target_class


class FakeLookup:
    """Stock items 1..9 belong to part 100+id; order 7 has parts 201, 202; build 3 makes
    part 300 from parts 301, 302; shipment 5 ships parts 501. Records every question."""

    def __init__(self):
        self.calls: list[tuple] = []

    def stock_item_parts(self, item_ids):
        self.calls.append(("items", tuple(item_ids)))
        return {100 + i for i in item_ids if i < 10}

    def purchase_order_parts(self, order_id):
        self.calls.append(("order", order_id))
        return {201, 202} if order_id == 7 else set()

    def build_parts(self, build_id):
        self.calls.append(("build", build_id))
        return {300, 301, 302} if build_id == 3 else set()

    def shipment_parts(self, shipment_id):
        self.calls.append(("shipment", shipment_id))
        return {501} if shipment_id == 5 else set()


@pytest.mark.parametrize("event", sorted(E.BULK_EVENTS))
def test_bulk_stock_events_are_taken(event):
    assert E.wants(event)


@pytest.mark.parametrize("event", ["salesordershipment.completed", "salesorder.cancelled"])
def test_the_order_events_the_shop_is_told_of_or_flagged_are_taken(event):
    assert E.wants(event) and event in E.ORDER_EVENTS


@pytest.mark.parametrize("event", ["salesorder.issued", "salesorder.hold", "purchaseorder.cancelled",
                                   "returnorder.cancelled"])
def test_other_order_events_are_refused(event):
    assert not E.wants(event)


@pytest.mark.parametrize("event", ["part_part.saved", "stock_stocklocation.saved", "salesorder.completed",
                                   "stock_stockitemtracking.created", "", "stockitem",
                                   # a StockItem save comes with each of these: the save signal has it
                                   "stock_stockitem.saved", "stock_stockitem.created", "stock_stockitem.deleted",
                                   "stockitem.quantityupdated", "stockitem.counted", "stockitem.moved",
                                   # the receipt is marked in the process that receives (signals.py)
                                   "purchaseorderitem.received"])
def test_events_that_come_with_a_save_signal_or_move_no_stock_are_refused(event):
    assert not E.wants(event)


def test_bulk_events_are_stock_events():
    assert E.BULK_EVENTS <= E.WANTED_EVENTS


@pytest.mark.parametrize("event, kwargs, parts", [
    ("stock_stockitem.created", {"id": 1, "model": "StockItem"}, {101}),
    ("stock_stockitem.saved", {"id": "2", "model": "StockItem"}, {102}),
    ("stockitem.quantityupdated", {"id": 3, "quantity": 4.0}, {103}),
    ("stockitem.moved", {"id": 4, "old_location": 1, "new_location": 2, "quantity": Decimal("2.5")}, {104}),
    ("stockitem.split", {"id": 5, "parent": 6}, {105, 106}),
    ("stockitem.assignedtocustomer", {"id": 7, "customer": 3}, {107}),
    ("stockitem.returnedtostock", {"id": 8}, {108}),
    ("stockitem.installed", {"id": 9, "assembly_id": 2}, {109}),
    ("stockitem.created_items", {"ids": [1, 2, 2]}, {101, 102}),
    ("purchaseorderitem.received", {"order_id": 7, "item_ids": [1]}, {101, 201, 202}),
    ("build.completed", {"id": 3}, {300, 301, 302}),
    ("buildoutput.completed", {"id": 1, "build_id": 3}, {101, 300, 301, 302}),
    ("salesordershipment.completed", {"id": 5}, {501}),
])
def test_event_maps_to_the_parts_it_moves(event, kwargs, parts):
    assert E.affected_parts(event, (), kwargs, FakeLookup()) == parts


def test_counted_event_with_the_name_as_positional_argument():
    # stockitem.counted arrives with the event name repeated as a positional argument.
    assert E.affected_parts("stockitem.counted", ("stockitem.counted",), {"id": 2, "quantity": 5.0},
                            FakeLookup()) == {102}


def test_deleted_item_maps_to_nothing_and_asks_nothing():
    # The row is gone: the part was marked by the post_delete signal.
    lookup = FakeLookup()
    assert E.affected_parts("stock_stockitem.deleted", (), {"id": 1, "model": "StockItem"}, lookup) == set()
    assert lookup.calls == []


def test_unwanted_or_malformed_events_ask_nothing():
    lookup = FakeLookup()
    assert E.affected_parts("part_part.saved", (), {"id": 1}, lookup) == set()
    assert E.affected_parts("stockitem.moved", (), {"id": None}, lookup) == set()
    assert E.affected_parts("stockitem.moved", (), {"id": "abc"}, lookup) == set()
    assert E.affected_parts("stockitem.created_items", (), {"ids": []}, lookup) == set()
    assert E.affected_parts("stock_stockitem.saved", (), {"id": 1, "model": "StockLocation"}, lookup) == set()
    assert lookup.calls == []


def test_a_burst_of_events_asks_once_per_event():
    lookup = FakeLookup()
    for _ in range(3):
        E.affected_parts("stockitem.created_items", (), {"ids": list(range(1, 10))}, lookup)
    assert lookup.calls == [("items", tuple(range(1, 10)))] * 3


# -- settings -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TARGETS))
def test_connection_settings_come_from_the_client_fields(name):
    cls = target_class(name)
    definitions = C.connection_setting_definitions(cls)
    assert set(definitions) == {f.key.upper() for f in cls.all_fields()}
    for f in cls.all_fields():
        definition = definitions[f.key.upper()]
        assert definition.get("protected", False) == f.secret
        if f.choices:
            assert [c for c, _ in definition["choices"]] == list(f.choices)


def test_secrets_are_protected_for_each_target():
    protected = {name: sorted(k for k, d in C.connection_setting_definitions(target_class(name)).items()
                              if d.get("protected")) for name in TARGETS}
    assert protected["magento"] == ["TOKEN"]
    assert protected["woocommerce"] == ["CONSUMER_KEY", "CONSUMER_SECRET"]
    assert {"CLIENT_SECRET", "REFRESH_TOKEN"} <= set(protected["zoho"])
    assert protected["invoiceninja"] == ["TOKEN"]


def test_connection_validators_reject_bad_values_with_a_message():
    definitions = C.connection_setting_definitions(target_class("magento"))
    with pytest.raises(ValueError, match="url"):
        definitions["URL"]["validator"]("not a url")
    definitions["URL"]["validator"]("https://shop.example.com")
    definitions["URL"]["validator"]("")  # empty: the environment variable may provide it
    with pytest.raises(ValueError, match="mode"):
        definitions["MODE"]["validator"]("sideways")
    with pytest.raises(ValueError, match="(?i)timeout"):
        definitions["TIMEOUT"]["validator"]("soon")


@pytest.mark.parametrize("value", ["-1", "abc", "NaN", "Infinity"])
def test_bad_safety_buffer_is_refused(value):
    with pytest.raises(ValueError, match="safety buffer"):
        C.validate_buffer(value)


@pytest.mark.parametrize("value", ["-5", "1.5", "often"])
def test_bad_interval_is_refused(value):
    with pytest.raises(ValueError, match="interval"):
        C.validate_minutes(value)


def test_new_install_defaults_to_enabled_dry_run():
    settings = C.SyncSettings.from_values({})
    assert settings.enabled and settings.dry_run
    assert settings.quantity == C.AFTER_OPEN_ORDERS and settings.include_variants and settings.sku_source == C.SKU_IPN
    definitions = C.sync_setting_definitions("X")
    assert definitions["QUANTITY"]["default"] == C.AFTER_OPEN_ORDERS
    assert [key for key, _ in definitions["QUANTITY"]["choices"]] == [C.AFTER_OPEN_ORDERS, C.AVAILABLE, C.IN_STOCK]
    assert definitions["ENABLED"]["default"] is True and definitions["DRY_RUN"]["default"] is True


def test_sync_settings_are_typed():
    settings = C.SyncSettings.from_values({
        "ENABLED": "False", "DRY_RUN": False, "QUANTITY": "in_stock", "LOCATION": "4", "INCLUDE_VARIANTS": "0",
        "SAFETY_BUFFER": "2.5", "SKU_SOURCE": "parameter", "SKU_PARAMETER": " Shop SKU ",
        "RECONCILE_MINUTES": "15", "VERIFY_MINUTES": "0",
    })
    assert settings == C.SyncSettings(False, False, C.IN_STOCK, 4, False, Decimal("2.5"), C.SKU_PARAMETER,
                                      "Shop SKU", 15, 0)


def test_settings_read_in_one_query_are_what_inventree_gives_each():
    definitions = {**C.plugin_setting_definitions(target_class("woocommerce")),
                   "COUNT": {"default": 3, "validator": int}, "LATER": {"default": lambda: "called"}}
    stored = {"DRY_RUN": "False", "enabled": "True", "QUANTITY": "in_stock", "COUNT": "x", "URL": "https://shop"}
    values = C.stored_setting_values(definitions, stored, {"URL": "https://locked"})
    assert values["DRY_RUN"] is False and values["ENABLED"] is True  # a bool validator casts; any case of key
    assert values["QUANTITY"] == "in_stock" and values["URL"] == "https://locked"  # the config file wins
    assert values["INCLUDE_VARIANTS"] is True and values["SAFETY_BUFFER"] == "0"  # never saved: the default
    assert values["COUNT"] == 3 and values["LATER"] == "called"  # not a whole number: the default
    assert set(values) == set(definitions)
    assert C.stored_setting_values({}, {"old": "kept"}, {"LOCKED": 1}) == {"OLD": "kept", "LOCKED": 1}
    assert C.SyncSettings.from_values(values) == C.SyncSettings(True, False, C.IN_STOCK)


@pytest.mark.parametrize("stored", ["available", "in_stock", "available_after_open_orders"])
def test_an_explicit_quantity_setting_stays_as_set(stored):
    assert C.SyncSettings.from_values({"QUANTITY": stored}).quantity == stored


def test_an_unknown_quantity_mode_is_refused_naming_the_setting():
    with pytest.raises(ConfigError, match="QUANTITY.*available_after_open_orders"):
        C.SyncSettings.from_values({"QUANTITY": "on_hand"})


def test_parameter_source_needs_a_parameter_name():
    with pytest.raises(ConfigError, match="SKU_PARAMETER"):
        C.SyncSettings.from_values({"SKU_SOURCE": "parameter"})


def test_secrets_fall_back_to_the_environment():
    cls = target_class("magento")
    values = {"URL": "https://shop.example.com", "TOKEN": "", "MODE": None}
    environ = {"INVENTREE_COMMERCE_SYNC_MAGENTO_TOKEN": "env-token-123", "INVENTREE_COMMERCE_SYNC_ZOHO_URL": "x"}
    config = C.connection_config(cls, values, environ)
    assert config == {"url": "https://shop.example.com", "token": "env-token-123"}
    # A value in the settings wins over the environment.
    assert C.connection_config(cls, {**values, "TOKEN": "db-token-456"}, environ)["token"] == "db-token-456"
    assert C.env_key("invoiceninja", "token") == "INVENTREE_COMMERCE_SYNC_INVOICENINJA_TOKEN"


# -- SKU choice -----------------------------------------------------------------------------

def _sku(settings=C.SyncSettings(), **part):
    part = {"ipn": "IPN-1", "name": "Widget", "parameter": "P-1", "metadata": None, **part}
    return C.choose_sku("magento", settings, **part)


def test_sku_sources():
    assert _sku() == ("IPN-1", None)
    assert _sku(C.SyncSettings(sku_source=C.SKU_NAME)) == ("Widget", None)
    assert _sku(C.SyncSettings(sku_source=C.SKU_PARAMETER, sku_parameter="Shop SKU")) == ("P-1", None)


def test_part_without_sku_is_unlinked_with_a_reason():
    assert _sku(ipn="  ") == (None, "no SKU (IPN is empty)")
    sku, reason = _sku(C.SyncSettings(sku_source=C.SKU_PARAMETER, sku_parameter="Shop SKU"), parameter=None)
    assert sku is None and "Shop SKU" in reason


def test_metadata_overrides_and_excludes():
    assert _sku(metadata={"commerce_sync": {"magento": {"sku": " M-9 "}}}) == ("M-9", None)
    assert _sku(metadata={"commerce_sync": {"woocommerce": {"sku": "W-9"}}}) == ("IPN-1", None)
    assert _sku(metadata={"commerce_sync": {"magento": {"exclude": True}}})[0] is None
    assert _sku(metadata={"commerce_sync": {"exclude": "true"}})[0] is None
    assert _sku(metadata={"commerce_sync": "garbage"}) == ("IPN-1", None)


def test_two_parts_with_one_sku_are_found():
    assert C.find_duplicates({1: "A", 2: "B", 3: "A", 4: "C"}) == {"A": [1, 3]}
    assert C.find_duplicates({}) == {}


# -- one boolean parser, verify, and messages naming the settings' labels ---------------------

@pytest.mark.parametrize("word, expected", [("off", False), ("OFF", False), ("no", False), ("0", False),
                                            ("on", True), ("Yes", True), ("true", True)])
def test_verify_words_are_read_as_booleans_by_the_client(word, expected):
    target = target_class("magento")({"url": "https://shop.example.com", "token": "t", "verify": word})
    assert target.config["verify"] is expected and target.session.verify is expected


@pytest.mark.parametrize("word", ["of", "nonsense", "/no/such/ca-bundle.pem"])
def test_verify_that_is_neither_a_boolean_nor_a_file_is_refused_naming_the_setting(word):
    with pytest.raises(ConfigError) as caught:
        target_class("magento")({"url": "https://shop.example.com", "token": "t", "verify": word})
    assert str(caught.value).startswith("[magento] verify must be true, false, or the path of an existing CA bundle")
    assert (caught.value.target, caught.value.key) == ("magento", "verify")
    validator = C.connection_setting_definitions(target_class("magento"))["VERIFY"]["validator"]
    with pytest.raises(ValueError, match=r"^Verify TLS must be true, false, or the path"):
        validator(word)


def test_verify_may_name_an_existing_ca_bundle(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not checked here")
    target = target_class("magento")({"url": "https://shop.example.com", "token": "t", "verify": str(bundle)})
    assert target.config["verify"] == str(bundle)
    C.connection_setting_definitions(target_class("magento"))["VERIFY"]["validator"](str(bundle))


def test_sync_settings_refuse_a_word_that_is_not_a_boolean():
    with pytest.raises(ConfigError) as caught:
        C.SyncSettings.from_values({"DRY_RUN": "maybe"})
    assert caught.value.key == "DRY_RUN"
    assert caught.value.naming(C.sync_setting_label) == "Dry run must be true or false (got 'maybe')"


def test_a_bad_exclude_flag_in_the_metadata_keeps_the_part_unpushed_saying_why():
    sku, reason = _sku(metadata={"commerce_sync": {"exclude": "perhaps"}})
    assert sku is None and "exclude" in reason and "'perhaps'" in reason


def test_config_errors_name_the_key_on_the_command_line_and_the_label_in_inventree():
    cls = target_class("magento")
    with pytest.raises(ConfigError) as caught:
        cls({"url": "https://shop.example.com", "token": "t", "store_code": "de/at"})
    labels = {f.key: f.label for f in cls.all_fields()}
    assert str(caught.value).startswith("[magento] store_code 'de/at' is not a store code")
    assert caught.value.naming(labels.get).startswith("Store code 'de/at' is not a store code")


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_the_enable_sync_description_names_the_service_not_the_plugin(name):
    description = C.plugin_setting_definitions(target_class(name))["ENABLED"]["description"]
    assert description.startswith(f"Push stock levels to {target_class(name).title} ")
    assert "stock sync" not in description


def test_errors_shown_in_inventree_name_the_settings_labels_not_the_command_line_keys():
    from inventree_commerce_sync.core.errors import AuthenticationError, TargetError, worded_with_labels

    def labels(name):
        return {f.key: f.label for f in target_class(name).all_fields()}

    refused = AuthenticationError("zoho", "client refused (invalid_client); check [zoho] client_id and client_secret")
    assert worded_with_labels(refused, "zoho", labels("zoho")) == \
        'zoho: client refused (invalid_client); check "Client ID" and client_secret'
    route = TargetError("magento", "/rest/x/V1/products: no route", status=404, fix=("url", "store_code"))
    assert str(route).endswith("(check [magento] url and store_code)")
    assert worded_with_labels(route, "magento", labels("magento")).endswith('(check "Store URL" and "Store code")')
    token = AuthenticationError("magento", "credentials refused (HTTP 401); check the access token in [magento] token")
    assert worded_with_labels(token, "magento", labels("magento")).endswith('check the access token in "Access token"')
    api_url = ConfigError("must end with /inventory/v1", target="zoho", key="api_url")
    assert worded_with_labels(api_url, "zoho", labels("zoho")) == "API address must end with /inventory/v1"


@pytest.mark.parametrize("values, environ, warned", [
    ({"VERIFY": "off"}, {}, True),
    ({"VERIFY": False}, {}, True),
    ({"VERIFY": ""}, {"INVENTREE_COMMERCE_SYNC_MAGENTO_VERIFY": "no"}, True),
    ({"VERIFY": "true"}, {"INVENTREE_COMMERCE_SYNC_MAGENTO_VERIFY": "no"}, False),  # the setting wins
    ({"VERIFY": "/etc/ssl/ca.pem"}, {}, False),
    ({}, {}, False),
])
def test_the_tls_warning_reads_verify_as_the_client_does(values, environ, warned):
    warnings = C.security_warnings(target_class("magento"), values, environ)
    assert any("TLS certificate verification is switched off" in w for w in warnings) is warned
