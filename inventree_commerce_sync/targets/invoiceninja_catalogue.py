"""Invoice Ninja v5 products as a catalogue (``CatalogueClient``): listed, created, edited.

Invoice Ninja's product has no name apart from its key: ``product_key`` is the SKU (as for
stock) and ``notes``, the text an invoice line shows, holds the name, then the description
after a line break. Reading splits ``notes`` at its first line break again.

Reading: ``GET /products?status=active,archived``, 5000 a page (the server's cap), at most
``MAX_PAGES`` pages. Archived products are listed (``kind`` "archived") so that publishing
never creates a second product for a key an admin archived; deleted ones are gone.

Creating: one ``POST /products`` each (the API has no bulk create): ``product_key``,
``notes``, ``price``, ``cost`` where the draft carries one, ``quantity`` 1 (the default
quantity of an invoice line) and the draft's stock as ``in_stock_quantity`` (rounded down:
an integer column, as the stock client writes it; a create takes it without the
``update_in_stock_quantity`` flag a PUT needs). The service refuses no duplicate key
(``StoreProductRequest`` has no such rule), so the listing before the plan is what keeps a
key single; a POST whose answer was lost is followed by looking the key up before it is
sent again, never repeated blindly.

Updating: ``PUT /products/{id}`` with only the fields that differ, plus the product's own
``quantity`` (a PUT without it resets the default line quantity to 1); no stock flag, so
the stock is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from ..core.catalogue import CREATED, UPDATED, CatalogueClient, Change, Product, ProductDraft, PublishResult
from ..core.errors import AmbiguousFailure, AuthenticationError, ProtocolError, TargetError
from ..core.http import send_once
from ..core.values import json_number

LIST_PAGE_SIZE = 5000
MAX_PAGES = 1000
KEY_LOOKUP_PAGES = 5
MAX_KEY_LENGTH = 191  # product_key is a VARCHAR(191)


def notes_of(name: str, description: str) -> str:
    """The ``notes`` that hold a product's name and description."""
    name, description = name.strip(), description.strip()
    return f"{name}\n{description}" if description else name


def name_and_description(notes: str) -> tuple[str, str]:
    name, _, description = notes.strip().partition("\n")
    return name.strip(), description.strip()


class InvoiceNinjaCatalogue(CatalogueClient):
    if TYPE_CHECKING:  # provided by InvoiceNinjaTarget, which this class is mixed into
        from ..core.http import TargetSession

        name: ClassVar[str]
        session: TargetSession

        def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                  json: Any = None, count_as: str | None = None) -> Any: ...

    CREATE_SETTLE_SECONDS = 1.0  # after a lost answer, before the key is looked up

    def read_products(self) -> Iterator[Product]:
        lines = self._line_quantities
        page, pages = 1, 1
        while page <= min(pages, MAX_PAGES):
            body = self._call("GET", "/products", params={"status": "active,archived", "per_page": LIST_PAGE_SIZE,
                                                          "page": page})
            rows = _rows(body)
            for row in rows:
                if row.get("is_deleted"):
                    continue
                lines[str(row["id"])] = row.get("quantity", 1)
                yield invoiceninja_product(row)
            pages = int(_pagination(body).get("total_pages") or 1)
            if not rows:
                break
            page += 1

    @property
    def _line_quantities(self) -> dict[str, Any]:
        """product id -> its default invoice line quantity, as last read (sent back with each PUT)."""
        return self.__dict__.setdefault("_ninja_line_quantities", {})

    # -- creating ------------------------------------------------------------------------

    def create_products(self, drafts: Sequence[ProductDraft]) -> dict[str, PublishResult]:
        results: dict[str, PublishResult] = {}
        for draft in drafts:
            if len(draft.sku) > MAX_KEY_LENGTH:
                results[draft.sku] = PublishResult.failed(
                    draft.sku, f"{self.name}: the SKU is {len(draft.sku)} characters long; Invoice Ninja's "
                               f"product_key holds {MAX_KEY_LENGTH}")
                continue
            try:
                product = self._create_product(draft)
            except AuthenticationError:
                raise
            except TargetError as exc:
                results[draft.sku] = PublishResult.failed(draft.sku, str(exc))
                continue
            self._line_quantities[str(product["id"])] = product.get("quantity", 1)
            results[draft.sku] = PublishResult(draft.sku, CREATED, remote_id=str(product["id"]),
                                               fields=tuple(draft.values()))
        return results

    def product_body(self, draft: ProductDraft) -> dict[str, Any]:
        """The ``POST /products`` body of a draft."""
        body: dict[str, Any] = {"product_key": draft.sku, "notes": notes_of(draft.name, draft.description),
                                "quantity": 1}
        if draft.price is not None:
            body["price"] = json_number(Decimal(draft.price))
        cost = getattr(draft, "cost", None)  # a purchase price, where the draft has one
        if cost is not None:
            body["cost"] = json_number(Decimal(cost))
        if draft.quantity is not None:
            body["in_stock_quantity"] = max(int(Decimal(draft.quantity).to_integral_value(ROUND_FLOOR)), 0)
        return body

    def _create_product(self, draft: ProductDraft) -> Mapping[str, Any]:
        body = self.product_body(draft)

        def send() -> Mapping[str, Any]:
            with self.session.no_retries():
                answer = self._call("POST", "/products", json=body)
            product = answer.get("data") if isinstance(answer, dict) else None
            if not isinstance(product, dict) or not product.get("id"):
                raise AmbiguousFailure(self.name, "the product was accepted but the answer does not name it")
            return product

        def look_up() -> Mapping[str, Any] | None:
            return self._product_with_key(draft.sku)

        try:
            return send_once(self.name, f"product {draft.sku!r}", send, look_up, attempts=2,
                             settle=self.CREATE_SETTLE_SECONDS)
        except ProtocolError as exc:
            if exc.status is not None and 200 <= exc.status < 300:  # saved, perhaps, but unreadable
                found = look_up()
                if found is not None:
                    return found
            raise

    def _product_with_key(self, key: str) -> Mapping[str, Any] | None:
        """The live product whose key is exactly ``key`` (compared here: the server's filter
        ignores case and accents, and an old server ignores it altogether)."""
        for page in range(1, KEY_LOOKUP_PAGES + 1):
            body = self._call("GET", "/products", params={"product_key": key, "status": "active,archived",
                                                          "per_page": 100, "page": page})
            rows = _rows(body)
            match = next((r for r in rows if r["product_key"] == key and not r.get("is_deleted")), None)
            if match is not None or page >= int(_pagination(body).get("total_pages") or 1):
                return match
        return None

    # -- updating ------------------------------------------------------------------------

    def update_products(self, changes: Sequence[Change]) -> dict[str, PublishResult]:
        results: dict[str, PublishResult] = {}
        for product, draft, fields in changes:
            path = f"/products/{quote(product.remote_id, safe='')}"
            try:
                line_quantity = self._line_quantities.get(product.remote_id)
                if line_quantity is None:
                    line_quantity = _item(self._call("GET", path)).get("quantity", 1)
                body: dict[str, Any] = {"quantity": line_quantity}
                if "name" in fields or "description" in fields:
                    body["notes"] = notes_of(draft.name if "name" in fields else product.name,
                                             draft.description if "description" in fields else product.description)
                if "price" in fields and draft.price is not None:
                    body["price"] = json_number(Decimal(draft.price))
                saved = _item(self._call("PUT", path, json=body))  # absolute values: retried when lost
            except AuthenticationError:
                raise
            except TargetError as exc:
                results[draft.sku] = PublishResult.failed(draft.sku, str(exc))
                continue
            self._line_quantities[product.remote_id] = saved.get("quantity", line_quantity)
            results[draft.sku] = PublishResult(draft.sku, UPDATED, remote_id=product.remote_id, fields=fields)
        return results


def invoiceninja_product(row: Mapping[str, Any]) -> Product:
    name, description = name_and_description(str(row.get("notes") or ""))
    return Product(sku=str(row["product_key"]), name=name, kind="archived" if row.get("archived_at") else "product",
                   remote_id=str(row["id"]), price=_decimal(row.get("price")),
                   quantity=_decimal(row.get("in_stock_quantity")) or Decimal(0), managed=True,
                   description=description)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ProtocolError("invoiceninja", f"{value!r} is not a number") from None
    return number if number.is_finite() else None



def _rows(body: Any) -> list[dict[str, Any]]:
    from .invoiceninja import _rows as rows  # here, not above: invoiceninja imports this module

    return rows(body)


def _item(body: Any) -> dict[str, Any]:
    from .invoiceninja import _item as item

    return item(body)


def _pagination(body: Any) -> dict[str, Any]:
    from .invoiceninja import _pagination as pagination

    return pagination(body)
