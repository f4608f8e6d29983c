"""The catalogue's plugin settings (pure): a new install publishes nothing and pushes no
customer; bad values are refused naming the setting; customers only where the client can."""

from __future__ import annotations

import pytest

from inventree_commerce_sync.core.customers import CustomerClient
from inventree_commerce_sync.core.errors import ConfigError
from inventree_commerce_sync.inventree import config as C
from inventree_commerce_sync.inventree.catalogue_settings import (
    CatalogueSettings,
    catalogue_definitions,
    read_catalogue_settings,
    validate_currency,
)
from inventree_commerce_sync.targets import TARGETS, target_class


def test_a_new_install_publishes_nothing_and_pushes_no_customer():
    entries = catalogue_definitions("Shop", customers=True)
    settings = CatalogueSettings.from_values({key: entry.get("default") for key, entry in entries.items()})
    assert settings == CatalogueSettings()
    assert (settings.publish, settings.category_id, settings.currency, settings.push_customers) == (False, None, "", False)
    assert entries["CATALOGUE_CATEGORY"]["model"] == "part.partcategory"
    assert "Shop" in entries["CATALOGUE_PUBLISH"]["description"]
    assert list(entries) == list(C.setting_keys(CatalogueSettings))


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_customer_push_is_a_setting_only_where_the_client_can_push_customers(name):
    can = issubclass(target_class(name), CustomerClient)
    assert ("CUSTOMER_PUSH" in catalogue_definitions("Shop", customers=can)) is can
    assert can is (name in ("invoiceninja", "zoho"))


@pytest.mark.parametrize("value", ["EURO", "1$", "e u"])
def test_a_currency_that_is_not_a_three_letter_code_is_refused(value):
    with pytest.raises(ValueError, match="three-letter currency code"):
        validate_currency(value)
    with pytest.raises(ConfigError, match="Shop currency must be a three-letter"):
        read_catalogue_settings({"CATALOGUE_CURRENCY": value}, "Magento stock sync")


def test_values_are_typed_and_the_currency_upper_cased():
    settings = read_catalogue_settings({"CATALOGUE_PUBLISH": "true", "CATALOGUE_CATEGORY": "12",
                                        "CATALOGUE_CURRENCY": " eur "}, "x")
    assert (settings.publish, settings.category_id, settings.currency) == (True, 12, "EUR")
    with pytest.raises(ConfigError, match="Publish category must be a part category"):
        read_catalogue_settings({"CATALOGUE_CATEGORY": "tools"}, "x")
