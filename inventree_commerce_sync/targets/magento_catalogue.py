"""Magento 2 products: reading the catalogue, creating simple products, keeping name,
description and price in step (``core.catalogue``). Nothing is ever deleted.

A mixin for the Magento client (``class MagentoTarget(MagentoOrders, MagentoCatalogue,
BaseTarget)``), using only ``self.name``, ``self.config``, ``self.session`` and the client's
``_call``/``_error``/``_search``/``_search_by_sku``/``_save_source_items``.

Reading: ``GET /V1/products`` with searchCriteria, 300 a page (the most a store with the web
API input limits allows), sorted by ``entity_id`` so that pages do not shift; with MSI the
quantities of the mapped source from ``GET /V1/inventory/source-items`` the same way (the
product list carries no stock item, magento/magento2#36533). A configurable product's
children name it as their parent (``configurable_product_links``).

Catalogue writes go to the ``all`` store scope (``/rest/all/V1``): through a store view's
code Magento would save name and description as that view's override. Creating: ``POST
/V1/products``, one product a request (the API has no bulk create), a simple product in the
attribute set of ``attribute_set_id``, enabled or disabled per ``product_status``, visible in
catalogue and search, on the websites of ``websites`` (``magento_websites``: Magento alone may
put it on every website or on none); then the quantities of the new products at the mapped source in one
source-items write (MSI), or in the product's stock item (legacy). ``POST /V1/products``
updates a product whose SKU exists instead of refusing it, so the SKUs are searched right
before creating and one that exists is refused here, never overwritten; a create whose
answer was lost is looked up before it is sent again. Magento refuses a URL key another
product has ("URL key for specified store already exists."): the product is then sent once
more with its SKU in the URL key. Updating: name and description with ``PUT
/V1/products/{sku}`` per product; prices in bulk, ``POST /V1/products/base-prices``, 1,000 a
request, which saves the valid rows and answers the refused ones (``[]`` when none).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from ..core import catalogue as C
from ..core.catalogue import Product, ProductDraft, PublishResult
from ..core.errors import AuthenticationError, ConfigError, TargetError
from ..core.http import decode_json, send_once
from ..core.redact import get_logger
from ..core.settings import ConfigField
from ..core.target import Change, Outcome, Remote
from ..core.values import collate_sku, json_number
from .magento_rest import criteria, error_message, path_segment
from .magento_websites import WEBSITE_FIELDS, MagentoWebsites

if TYPE_CHECKING:
    import requests

    from ..core.http import TargetSession

log = get_logger(__name__)

PAGE_SIZE = 300
MAX_CATALOGUE_PAGES = 1_000  # a bound on one read: 300,000 products
PRICE_BATCH = 1_000  # rows per base-prices request
CREATE_WORKERS = 4  # parallel product creates: enough to hide latency, few enough for a small store
URL_KEY_TAKEN = "url key for specified store already exists"
ENABLED, DISABLED = 1, 2
VISIBLE_IN_CATALOG_AND_SEARCH = 4
CATALOGUE_FIELDS = (
    ConfigField("product_status", "Status of new products",
                "disabled: new products wait for review in Magento; enabled: they are on sale at once",
                default="disabled", choices=("disabled", "enabled")),
    ConfigField("attribute_set_id", "Attribute set of new products",
                "id of the attribute set new products get (4 is Magento's Default)", default="4"),
    *WEBSITE_FIELDS,
)


class MagentoCatalogue(MagentoWebsites, C.CatalogueClient):
    """The catalogue of a Magento store; see the module's docstring."""

    unkept_fields: ClassVar[Mapping[str, tuple[str, ...]]] = {"configurable": ("price",), "grouped": ("price",)}

    if TYPE_CHECKING:
        name: ClassVar[str]
        config: dict[str, Any]
        session: TargetSession
        legacy: bool
        source_code: str

        def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None, json: Any = None) -> Any: ...

        def _error(self, response: requests.Response) -> TargetError: ...

        def _search(self, path: str, filters: list[tuple[str, str, str]], *, page_size: int) -> Iterator[Any]: ...

        def _search_by_sku(self, path: str, skus: list[str], *,
                           also: tuple[str, str, str] | None = None) -> Iterator[Any]: ...

        def _save_source_items(self, changes: list[Change]) -> dict[str, Outcome]: ...

    # -- reading ------------------------------------------------------------------------------

    def read_products(self) -> Iterator[Product]:
        quantities = {} if self.legacy else self._source_quantities()
        raw = list(self._all_pages("/products"))
        parents: dict[str, str] = {}
        for item in raw:
            links = (item.get("extension_attributes") or {}).get("configurable_product_links") or []
            parents.update((str(child), str(item.get("sku"))) for child in links)
        for item in raw:
            sku = str(item.get("sku") or "")
            quantity = quantities.get(sku)
            yield Product(sku=sku, name=str(item.get("name") or ""), kind=str(item.get("type_id") or ""),
                          remote_id=str(item.get("id") or sku), price=_decimal(item.get("price")),
                          quantity=quantity, managed=quantity is not None,
                          description=_custom_attribute(item, "description"), parent_sku=parents.get(str(item.get("id"))))

    def _source_quantities(self) -> dict[str, Decimal]:
        found: dict[str, Decimal] = {}
        for item in self._all_pages("/inventory/source-items", ("source_code", "eq", self.source_code)):
            quantity = _decimal(item.get("quantity"))
            if quantity is not None:
                found[str(item.get("sku"))] = quantity
        return found

    def _all_pages(self, path: str, *filters: tuple[str, str, str]) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            params = criteria(list(filters), page_size=PAGE_SIZE, page=page)
            params |= {"searchCriteria[sortOrders][0][field]": "entity_id" if path == "/products" else "sku",
                       "searchCriteria[sortOrders][0][direction]": "ASC"}
            body = self._call("GET", path, params=params)
            items = body.get("items") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise TargetError(self.name, f"GET /V1{path} did not answer a search result (items, total_count)")
            yield from (item for item in items if isinstance(item, dict))
            total = body.get("total_count") if isinstance(body.get("total_count"), int) else len(items)
            if page * PAGE_SIZE >= total or not items:
                return
            if page >= MAX_CATALOGUE_PAGES:
                raise TargetError(self.name, f"GET /V1{path}: more than {MAX_CATALOGUE_PAGES * PAGE_SIZE} records; "
                                  "stopped reading")
            page += 1

    # -- creating -----------------------------------------------------------------------------

    def create_products(self, drafts: Sequence[ProductDraft]) -> dict[str, PublishResult]:
        results: dict[str, PublishResult] = {}
        self._attribute_set()  # a wrong setting is refused before anything is created
        self._new_product_websites()
        holders = self._holders([d.sku for d in drafts])
        todo = []
        for draft in drafts:
            holder = holders.get(collate_sku(draft.sku))
            if holder is not None:
                results[draft.sku] = PublishResult.failed(draft.sku, f"Magento's product {holder[1]!r} (id {holder[0]}) "
                                                          "has this SKU; it was not overwritten")
            elif C.parse_price(draft.price) is None:
                results[draft.sku] = PublishResult.failed(draft.sku, "Magento needs a price for a new product")
            else:
                todo.append(draft)
        with ThreadPoolExecutor(max_workers=max(1, min(CREATE_WORKERS, len(todo)))) as pool:
            results.update(zip((d.sku for d in todo), pool.map(self._create_one, todo), strict=True))
        if not self.legacy:
            results.update(self._stock_of_new([d for d in todo if d.quantity is not None], results))
        return results

    def _holders(self, skus: list[str]) -> dict[str, tuple[str, str]]:
        """Collated SKU -> (id, SKU) of the products that already have one of ``skus``."""
        return {collate_sku(str(item.get("sku"))): (str(item.get("id")), str(item.get("sku")))
                for item in self._search_by_sku("/products", skus) if isinstance(item, dict)}

    def _create_one(self, draft: ProductDraft) -> PublishResult:
        body = self._product_body(draft)
        try:
            try:
                created = self._create_once(draft.sku, body)
            except TargetError as exc:
                if exc.status != 400 or URL_KEY_TAKEN not in exc.detail.lower():
                    raise
                body["product"]["custom_attributes"].append({"attribute_code": "url_key", "value": url_key(draft)})
                created = self._create_once(draft.sku, body)
        except AuthenticationError:
            raise
        except TargetError as exc:
            return PublishResult.failed(draft.sku, exc.detail or exc.reason)
        note = self._settle_websites(draft.sku, created)
        return PublishResult(draft.sku, C.CREATED, f"created, but {note}" if note else None,
                             remote_id=str(created.get("id") or draft.sku))

    def _create_once(self, sku: str, body: dict[str, Any]) -> dict[str, Any]:
        def send() -> Any:
            with self.session.no_retries():
                return self._all_scope("POST", "/products", body)

        created = send_once(self.name, f"creating product {sku!r}", send, lambda: self._product_or_none(sku))
        return created if isinstance(created, dict) else {}

    def _product_or_none(self, sku: str) -> dict[str, Any] | None:
        try:
            found = self._call("GET", f"/products/{path_segment(sku)}")
        except TargetError as exc:
            if exc.status == 404:
                return None
            raise
        return found if isinstance(found, dict) else None

    def _product_body(self, draft: ProductDraft) -> dict[str, Any]:
        attributes = []
        if draft.description.strip():
            attributes.append({"attribute_code": "description", "value": draft.description.strip()})
        product: dict[str, Any] = {
            "sku": draft.sku, "name": draft.name.strip(), "type_id": "simple",
            "attribute_set_id": self._attribute_set(),
            "price": json_number(C.parse_price(draft.price) or Decimal(0)),
            "status": ENABLED if self.config.get("product_status") == "enabled" else DISABLED,
            "visibility": VISIBLE_IN_CATALOG_AND_SEARCH, "custom_attributes": attributes,
        }
        extension = self._website_body()
        if self.legacy and draft.quantity is not None:
            extension["stock_item"] = {
                "qty": json_number(draft.quantity), "is_in_stock": draft.quantity > 0, "manage_stock": True}
        if extension:
            product["extension_attributes"] = extension
        return {"product": product}

    def _attribute_set(self) -> int:
        text = str(self.config.get("attribute_set_id") or "4").strip()
        if not text.isdigit() or int(text) < 1:
            raise ConfigError(f"must be the id of an attribute set, a whole number such as 4 (got {text!r})",
                              target=self.name, key="attribute_set_id")
        return int(text)

    def _stock_of_new(self, drafts: list[ProductDraft], results: Mapping[str, PublishResult]
                      ) -> dict[str, PublishResult]:
        """The quantities of the new products at the mapped source, in one bulk write."""
        created = [d for d in drafts if results[d.sku].outcome == C.CREATED]
        if not created:
            return {}
        changes = [Change(d.sku, Remote(d.sku, results[d.sku].remote_id, "simple", None, {"sku": d.sku}),
                          Decimal(d.quantity or 0)) for d in created]
        try:
            outcomes = self._save_source_items(changes)
        except AuthenticationError:
            raise
        except TargetError as exc:
            outcomes = {d.sku: Outcome.failed(exc.reason) for d in created}
        noted = {}
        for draft in created:
            outcome = outcomes.get(draft.sku)
            if outcome is not None and not outcome.ok:
                earlier = results[draft.sku].error
                noted[draft.sku] = PublishResult(draft.sku, C.CREATED, f"{earlier or 'created, but'}"
                                                 f"{'; and' if earlier else ''} its stock at source "
                                                 f"{self.source_code!r} was not set: {outcome.error}",
                                                 results[draft.sku].remote_id)
        return noted

    # -- updating -----------------------------------------------------------------------------

    def update_products(self, changes: Sequence[C.Change]) -> dict[str, PublishResult]:
        errors: dict[str, list[str]] = {}
        texts = [change for change in changes if {"name", "description"} & set(change[2])]
        with ThreadPoolExecutor(max_workers=max(1, min(CREATE_WORKERS, len(texts)))) as pool:
            for sku, error in zip((c[0].sku for c in texts), pool.map(self._put_texts, texts), strict=True):
                if error:
                    errors.setdefault(sku, []).append(error)
        priced = [(product, draft) for product, draft, fields in changes if "price" in fields]
        for start in range(0, len(priced), PRICE_BATCH):
            for sku, error in self._save_prices(priced[start : start + PRICE_BATCH]).items():
                errors.setdefault(sku, []).append(error)
        return {product.sku: PublishResult.failed(product.sku, "; ".join(errors[product.sku])) if product.sku in errors
                else PublishResult(product.sku, C.UPDATED, remote_id=product.remote_id, fields=fields)
                for product, _draft, fields in changes}

    def _put_texts(self, change: C.Change) -> str | None:
        product, draft, fields = change
        body: dict[str, Any] = {"sku": product.sku}
        if "name" in fields:
            body["name"] = draft.name.strip()
        if "description" in fields:
            body["custom_attributes"] = [{"attribute_code": "description", "value": draft.description.strip()}]
        try:
            self._all_scope("PUT", f"/products/{path_segment(product.sku)}", {"product": body})
        except AuthenticationError:
            raise
        except TargetError as exc:
            return exc.detail or exc.reason
        return None

    def _save_prices(self, rows: list[tuple[Product, ProductDraft]]) -> dict[str, str]:
        """SKU -> error of each row Magento refused (it saves the others)."""
        body = {"prices": [{"sku": p.sku, "price": json_number(C.parse_price(d.price) or Decimal(0)), "store_id": 0}
                           for p, d in rows]}
        skus = [p.sku for p, _d in rows]
        try:
            refused = self._all_scope("POST", "/products/base-prices", body)  # absolute: safe to resend
        except AuthenticationError:
            raise
        except TargetError as exc:
            return dict.fromkeys(skus, exc.detail or exc.reason)
        errors: dict[str, str] = {}
        unnamed = []
        for item in refused if isinstance(refused, list) else []:
            if not isinstance(item, dict):
                continue
            text, parameters = _price_refusal(item)
            named = [sku for sku in skus if sku in parameters]
            for sku in named:
                errors[sku] = "; ".join(filter(None, [errors.get(sku), text]))
            if not named:
                unnamed.append(text)
        if unnamed:  # a refusal that names no SKU: none of this request's prices can be trusted
            note = "Magento refused a price of this request without naming its SKU: " + "; ".join(unnamed)
            errors.update((sku, errors.get(sku) or note) for sku in skus)
        return errors

    # -- HTTP ---------------------------------------------------------------------------------

    def _all_scope(self, method: str, path: str, body: Any) -> Any:
        """One catalogue write in the global scope (``/rest/all/V1``)."""
        response = self.session.request(method, f"{self.config['url']}/rest/all/V1{path}", json=body)
        if response.status_code == 200:
            return decode_json(self.name, response)
        raise self._error(response)


def url_key(draft: ProductDraft) -> str:
    """A URL key from the name and the SKU, for a product whose name another product's URL key has."""
    text = unicodedata.normalize("NFKD", f"{draft.name} {draft.sku}")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "product"


def _price_refusal(item: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The text of a refused base-price row and its parameters. Magento lists the values of
    named placeholders (``%fieldName = %fieldValue``) in order, so they are put in by position."""
    parameters = item.get("parameters")
    if isinstance(parameters, dict):
        return error_message(item), [str(value) for value in parameters.values()]
    values = [str(value) for value in parameters] if isinstance(parameters, list) else []
    remaining = iter(values)
    text = re.sub(r"%(\w+)", lambda m: next(remaining, m.group(0)), str(item.get("message") or ""))
    return text, values


def _custom_attribute(item: Mapping[str, Any], code: str) -> str:
    for attribute in item.get("custom_attributes") or []:
        if isinstance(attribute, dict) and attribute.get("attribute_code") == code:
            return str(attribute.get("value") or "")
    return ""


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
