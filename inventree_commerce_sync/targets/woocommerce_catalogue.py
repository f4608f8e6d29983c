"""WooCommerce products: reading the catalogue, creating products, keeping name, description
and price in step (``core.catalogue``). Nothing is ever deleted.

A mixin for the WooCommerce client (``class WooCommerceTarget(WooCommerceOrders,
WooCommerceCatalogue, BaseTarget)``), using only ``self.name``, ``self.config`` and the
client's ``_send``/``_json``/``_send_once``/``_error``.

Reading: ``GET products`` (``context=edit``: the description as stored, not run through
wpautop; every status, drafts included), 100 per page, then ``GET products/{id}/variations``
of each variable product. Creating: ``POST products/batch`` with ``create``, at most 100 items
a call (simple products, or variable ones for drafts other drafts name as ``parent_sku``), in
the status the ``product_status`` setting gives (``draft`` by default); then the variations,
``POST products/{parent}/variations/batch``. WooCommerce answers a batch's creates in the
order sent, a refused one as ``{"id": 0, "error": {...}}`` (``product_invalid_sku``: a
duplicate SKU), so results are matched by position. A create is never sent twice blindly:
inside ``no_retries``, and when its answer is lost the SKUs are looked up first
(``send_once``). Updating: ``update`` items with only the fields that differ
(``name``, ``description``, ``regular_price``), 100 a call, matched by id.

Prices are ``regular_price`` (the price while no sale runs). A variation has no name of its
own (WooCommerce names it after its parent and attributes) and a variable product no price
of its own: those fields are not compared.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from ..core import catalogue as C
from ..core.catalogue import Product, ProductDraft, PublishResult
from ..core.errors import AuthenticationError, ProtocolError, TargetError
from ..core.http import send_once
from ..core.redact import get_logger
from ..core.settings import ConfigField
from ..core.target import comma_list_groups

if TYPE_CHECKING:
    import requests

    from ..core.http import TargetSession

log = get_logger(__name__)

PER_PAGE = 100
BATCH_LIMIT = 100  # items per batch call (woocommerce_rest_batch_items_limit)
MAX_CATALOGUE_PAGES = 2_000  # a bound on one read: 200,000 products
PRODUCT_FIELDS = "id,sku,name,type,status,regular_price,manage_stock,stock_quantity,description,parent_id"
VARIATION_FIELDS = "id,sku,name,regular_price,manage_stock,stock_quantity,description,attributes"
VARIANT_ATTRIBUTE = "Variant"  # the attribute a variation without attributes is told apart by
CREATE_ATTEMPTS = 2
CATALOGUE_FIELDS = (
    ConfigField("product_status", "Status of new products",
                "draft: new products wait for review in WooCommerce; publish: they are on sale at once",
                default="draft", choices=("draft", "publish")),
)


class WooCommerceCatalogue(C.CatalogueClient):
    """The catalogue of a WooCommerce shop; see the module's docstring."""

    unkept_fields: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "variable": ("price",), "variation": ("name",), "grouped": ("price",), "external": ()}

    if TYPE_CHECKING:
        name: ClassVar[str]
        config: dict[str, Any]
        session: TargetSession

        def _send(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                  json: Any = None) -> requests.Response: ...

        def _send_once(self, method: str, path: str, *, json: Any = None) -> requests.Response: ...

        def _json(self, response: requests.Response) -> Any: ...

        def _error(self, response: requests.Response) -> TargetError: ...

    # -- reading ------------------------------------------------------------------------------

    def read_products(self) -> Iterator[Product]:
        for item in self._pages("products", PRODUCT_FIELDS):
            product = _product(item)
            if product is None:
                continue
            yield product
            if product.kind == "variable":
                for variation in self._pages(f"products/{product.remote_id}/variations", VARIATION_FIELDS):
                    found = _product({**variation, "type": "variation"}, parent_sku=product.sku)
                    if found is not None:
                        self._variation_parents()[found.remote_id] = product.remote_id
                        yield found

    def _variation_parents(self) -> dict[str, str]:
        """Variation id -> its parent's id, as last read (a variation is written under its parent)."""
        return self.__dict__.setdefault("_catalogue_parents", {})

    def _pages(self, collection: str, fields: str) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            response = self._send("GET", collection, params={
                "per_page": PER_PAGE, "page": page, "context": "edit", "orderby": "id", "order": "asc",
                "_fields": fields})
            items = self._json(response)
            if not isinstance(items, list):
                raise ProtocolError(self.name, f"GET {collection} did not answer a list")
            yield from (item for item in items if isinstance(item, dict))
            pages = response.headers.get("X-WP-TotalPages", "")
            more = page < int(pages) if pages.isdigit() else len(items) >= PER_PAGE
            if not more or not items:
                return
            if page >= MAX_CATALOGUE_PAGES:
                raise TargetError(self.name, f"GET {collection}: more than {MAX_CATALOGUE_PAGES * PER_PAGE} "
                                  "records; stopped reading")
            page += 1

    # -- creating -----------------------------------------------------------------------------

    def create_products(self, drafts: Sequence[ProductDraft]) -> dict[str, PublishResult]:
        parents = {d.parent_sku for d in drafts if d.parent_sku}
        variations = [d for d in drafts if d.parent_sku]
        options = _options(variations)
        bodies = [(d, self._product_body(d, options.get(d.sku) if d.sku in parents else None))
                  for d in drafts if not d.parent_sku]
        results = self._create("products/batch", bodies)
        by_parent: dict[str, list[ProductDraft]] = {}
        for draft in variations:
            by_parent.setdefault(str(draft.parent_sku), []).append(draft)
        parent_ids = self._parent_ids([sku for sku in by_parent if sku not in results], results)
        for parent_sku, group in by_parent.items():
            parent_id, problem = parent_ids.get(parent_sku, (None, None))
            if parent_id is None:
                problem = problem or f"its parent SKU {parent_sku!r} is not a product in WooCommerce"
                results.update((d.sku, PublishResult.failed(d.sku, problem)) for d in group)
                continue
            results.update(self._create(f"products/{parent_id}/variations/batch",
                                        [(d, _variation_body(d)) for d in group]))
        return results

    def _product_body(self, draft: ProductDraft, options: Mapping[str, list[str]] | None) -> dict[str, Any]:
        body: dict[str, Any] = {"name": draft.name.strip(), "type": "simple" if options is None else "variable",
                                "status": self.config.get("product_status") or "draft", "sku": draft.sku}
        if draft.description.strip():
            body["description"] = draft.description.strip()
        if options is None:
            body.update(_price_and_stock(draft))
        else:
            body["attributes"] = [{"name": name, "visible": True, "variation": True, "options": values}
                                  for name, values in options.items()]
        return body

    def _parent_ids(self, skus: list[str], created: Mapping[str, PublishResult]
                    ) -> dict[str, tuple[str | None, str | None]]:
        """Parent SKU -> (its product id, or None and why not): created now, or already there."""
        found: dict[str, tuple[str | None, str | None]] = {}
        for sku, result in created.items():
            if result.outcome == C.CREATED:
                found[sku] = (result.remote_id, None)
            else:
                found[sku] = (None, f"its parent {sku!r} was not created: {result.error}")
        for group in comma_list_groups(skus, max_items=PER_PAGE, max_chars=3000):
            response = self._send("GET", "products", params={"sku": ",".join(group), "per_page": PER_PAGE,
                                                             "_fields": "id,sku,type"})
            for item in self._json(response) or []:
                if isinstance(item, dict) and item.get("sku") in group:
                    if item.get("type") == "variable":
                        found[item["sku"]] = (str(item.get("id")), None)
                    else:
                        found[item["sku"]] = (None, f"its parent {item['sku']!r} is a {item.get('type')} product "
                                              "in WooCommerce, not a variable one")
        return found

    def _create(self, path: str, bodies: list[tuple[ProductDraft, dict[str, Any]]]) -> dict[str, PublishResult]:
        results: dict[str, PublishResult] = {}
        for start in range(0, len(bodies), BATCH_LIMIT):
            results.update(self._create_batch(path, bodies[start : start + BATCH_LIMIT]))
        return results

    def _create_batch(self, path: str, bodies: list[tuple[ProductDraft, dict[str, Any]]]) -> dict[str, PublishResult]:
        skus = [draft.sku for draft, _body in bodies]

        def send() -> Any:
            response = self._send_once("POST", path, json={"create": [body for _draft, body in bodies]})
            if response.status_code == 413 and len(bodies) > 1:
                return None  # the store takes fewer items a call: halves, below
            return self._json(response)

        try:
            answer = send_once(self.name, f"creating {len(skus)} products", send,
                               lambda: self._created(path, skus), attempts=CREATE_ATTEMPTS)
        except AuthenticationError:
            raise
        except TargetError as exc:
            return {sku: PublishResult.failed(sku, exc.reason) for sku in skus}
        if answer is None:
            log.info("woocommerce: %s refused %d items (HTTP 413); sending halves", path, len(bodies))
            half = len(bodies) // 2
            return self._create_batch(path, bodies[:half]) | self._create_batch(path, bodies[half:])
        items = answer.get("create") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise ProtocolError(self.name, f"POST {path} did not answer {{\"create\": [...]}}")
        results: dict[str, PublishResult] = {}
        for index, sku in enumerate(skus):
            item = items[index] if index < len(items) and isinstance(items[index], dict) else None
            results[sku] = _created_result(sku, item)
        return results

    def _created(self, path: str, skus: list[str]) -> dict[str, Any] | None:
        """After a lost answer: the batch's products that exist, as a batch answer would
        list them (the others as errors), or None when none does (then it is sent again)."""
        ids: dict[str, str] = {}
        for group in comma_list_groups(skus, max_items=PER_PAGE, max_chars=3000):
            response = self._send("GET", "products", params={"sku": ",".join(group), "per_page": PER_PAGE,
                                                             "_fields": "id,sku"})
            for item in self._json(response) or []:
                if isinstance(item, dict) and item.get("sku") in group:
                    ids[item["sku"]] = str(item.get("id"))
        if not ids:
            return None
        lost = {"id": 0, "error": {"code": "answer_lost", "message": f"the answer to POST {path} was lost and "
                                   "this product is not there; publish again"}}
        return {"create": [{"id": ids[sku], "sku": sku} if sku in ids else lost for sku in skus]}

    # -- updating -----------------------------------------------------------------------------

    def update_products(self, changes: Sequence[C.Change]) -> dict[str, PublishResult]:
        by_path: dict[str, list[C.Change]] = {}
        for change in changes:
            product = change[0]
            path = "products/batch"
            if product.kind == "variation":
                path = f"products/{self._parent_of(product)}/variations/batch"
            by_path.setdefault(path, []).append(change)
        results: dict[str, PublishResult] = {}
        for path, group in by_path.items():
            for start in range(0, len(group), BATCH_LIMIT):
                results.update(self._update_batch(path, group[start : start + BATCH_LIMIT]))
        return results

    def _parent_of(self, product: Product) -> str:
        parent_id = self._variation_parents().get(product.remote_id)
        if parent_id is None:  # not read by this client: WooCommerce answers a variation's id here too
            item = self._json(self._send("GET", f"products/{product.remote_id}", params={"_fields": "id,parent_id"}))
            parent_id = str(item.get("parent_id") if isinstance(item, dict) else "")
            self._variation_parents()[product.remote_id] = parent_id
        return parent_id

    def _update_batch(self, path: str, changes: list[C.Change]) -> dict[str, PublishResult]:
        body = {"update": [_update_body(product, draft, fields) for product, draft, fields in changes]}
        response = self._send("POST", path, json=body)  # absolute values: sending twice changes nothing
        if response.status_code == 413 and len(changes) > 1:
            half = len(changes) // 2
            return self._update_batch(path, changes[:half]) | self._update_batch(path, changes[half:])
        try:
            answer = self._json(response)
        except AuthenticationError:
            raise
        except TargetError as exc:
            return {product.sku: PublishResult.failed(product.sku, exc.reason) for product, _d, _f in changes}
        items = answer.get("update") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise ProtocolError(self.name, f"POST {path} did not answer {{\"update\": [...]}}")
        by_id = {str(item.get("id")): item for item in items if isinstance(item, dict)}
        results = {}
        for product, _draft, fields in changes:
            item = by_id.get(product.remote_id)
            if item is None:
                results[product.sku] = PublishResult.failed(product.sku, "WooCommerce's batch answer has no result "
                                                            "for this product")
            elif isinstance(item.get("error"), dict):
                results[product.sku] = PublishResult.failed(product.sku, _error_text(item["error"]))
            else:
                results[product.sku] = PublishResult(product.sku, C.UPDATED, remote_id=product.remote_id,
                                                     fields=fields)
        return results


def _product(item: Mapping[str, Any], *, parent_sku: str | None = None) -> Product | None:
    if not str(item.get("id") or "").isdigit():
        return None
    kind = str(item.get("type") or "simple")
    managed = item.get("manage_stock") is True
    name = str(item.get("name") or "")
    if kind == "variation" and not name:
        name = ", ".join(str(a.get("option")) for a in item.get("attributes") or [] if isinstance(a, dict))
    return Product(sku=str(item.get("sku") or ""), name=name, kind=kind, remote_id=str(item["id"]),
                   price=_decimal(item.get("regular_price")),
                   quantity=_decimal(item.get("stock_quantity")) if managed else None, managed=managed,
                   description=str(item.get("description") or ""), parent_sku=parent_sku)


def _options(variations: Sequence[ProductDraft]) -> dict[str, dict[str, list[str]]]:
    """Parent SKU -> attribute -> the options its variations take, in order."""
    options: dict[str, dict[str, list[str]]] = {}
    for draft in variations:
        for name, value in _attributes(draft).items():
            values = options.setdefault(str(draft.parent_sku), {}).setdefault(name, [])
            if value not in values:
                values.append(value)
    return options


def _attributes(draft: ProductDraft) -> dict[str, str]:
    return {str(k): str(v) for k, v in draft.attributes.items()} or {VARIANT_ATTRIBUTE: draft.name.strip()}


def _variation_body(draft: ProductDraft) -> dict[str, Any]:
    body: dict[str, Any] = {"sku": draft.sku, **_price_and_stock(draft),
                            "attributes": [{"name": k, "option": v} for k, v in _attributes(draft).items()]}
    if draft.description.strip():
        body["description"] = draft.description.strip()
    return body


def _price_and_stock(draft: ProductDraft) -> dict[str, Any]:
    body: dict[str, Any] = {}
    price = C.parse_price(draft.price)
    if price is not None:
        body["regular_price"] = C.decimal_text(price)
    if draft.quantity is not None:
        body.update(manage_stock=True, stock_quantity=int(draft.quantity))
    return body


def _update_body(product: Product, draft: ProductDraft, fields: tuple[str, ...]) -> dict[str, Any]:
    values = draft.values()
    body: dict[str, Any] = {"id": int(product.remote_id)}
    for field in fields:
        body["regular_price" if field == "price" else field] = values[field]
    return body


def _created_result(sku: str, item: Mapping[str, Any] | None) -> PublishResult:
    if item is None:
        return PublishResult.failed(sku, "WooCommerce's batch answer has no result for this product")
    error = item.get("error")
    if isinstance(error, dict):
        text = _error_text(error)
        data = error.get("data")
        if error.get("code") == "product_invalid_sku" and isinstance(data, dict) and data.get("resource_id"):
            text += f"; WooCommerce's product {data['resource_id']} has this SKU"
        return PublishResult.failed(sku, text)
    if not str(item.get("id") or "").isdigit() or str(item.get("id")) == "0":
        return PublishResult.failed(sku, "WooCommerce's batch answer has no product id for this product")
    return PublishResult(sku, C.CREATED, remote_id=str(item["id"]))


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _error_text(error: Mapping[str, Any]) -> str:
    message = str(error.get("message") or "no message")
    code = error.get("code")
    return f"{message} ({code})" if code else message
