"""The Magento sandbox's websites: which websites a new product lands on, and the product
website links (``ProductRepository::assignProductToWebsites``, ``Product\\Website\\SaveHandler``,
``ProductWebsiteLinkRepository``).

- ``GET /V1/store/websites`` lists the websites, the admin website (id 0, code ``admin``)
  included, as Magento's ``WebsiteRepository::getList`` does.
- A new product (``POST /V1/products``), with ``new_product_websites``:
  ``"magento"`` (2.4, the default): a single-website store puts it on that website whatever
  is sent; else ``extension_attributes.website_ids`` when sent; else, in the ``all`` scope,
  every website, in a store view's scope that store's website. ``"all"``: every website,
  ``website_ids`` ignored (magento/magento2#16161, #36491). ``"none"``: no website
  (magento/magento2#8173: versions and import extensions that assign none).
- ``POST``/``PUT /V1/products/{sku}/websites`` (``{"productWebsiteLink": {"sku",
  "website_id"}}``) adds one website and answers ``true``; ``DELETE
  /V1/products/{sku}/websites/{websiteId}`` takes one off (``true`` also when it was not
  there). An unknown SKU is 404; website 0 or none is 400 "There are not websites for assign
  to product"; an unknown website 400 'Could not assign product "%1" to websites "%2"'.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .app import Request, Response
from .magento_webapi import REQUIRED, MagentoError, check_known_fields

if TYPE_CHECKING:
    from .magento import MagentoSandbox

AS_MAGENTO, ALL_WEBSITES, NO_WEBSITE = "magento", "all", "none"
NO_WEBSITE_GIVEN = "There are not websites for assign to product"
NOT_ASSIGNED = 'Could not assign product "%1" to websites "%2"'
LINK_CLASS = "Magento\\Catalog\\Model\\ProductWebsiteLink"


class Websites:
    def __init__(self, shop: MagentoSandbox):
        from .magento import SKU

        self.shop = shop
        self.websites: dict[int, dict[str, Any]] = {}
        self.store_websites: dict[str, int] = {}  # store view code -> website id (1 when not listed)
        self.new_product_websites = AS_MAGENTO
        self.configure(["base"])
        shop._route("GET", "/store/websites", "websites.list", self._list, "Magento_Backend::store")
        for method in ("POST", "PUT"):
            shop._route(method, f"/products/{SKU}/websites", "product-websites.save", self._assign,
                        "Magento_Catalog::products")
        shop._route("DELETE", f"/products/{SKU}/websites/(?P<website>[^/]+)", "product-websites.delete",
                    self._unassign, "Magento_Catalog::products")

    def configure(self, codes: list[str], stores: Mapping[str, str] | None = None) -> None:
        """Websites 1, 2, ... with these codes; ``stores``: store view code -> website code."""
        self.websites = {0: {"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0}}
        for number, code in enumerate(codes, start=1):
            self.websites[number] = {"id": number, "code": code, "name": f"{code.title()} Website",
                                     "default_group_id": number}
        ids = {w["code"]: i for i, w in self.websites.items()}
        self.store_websites = {store: ids[code] for store, code in (stores or {}).items()}

    def website_of(self, store: str) -> int:
        return self.store_websites.get(store, 1)

    def real(self) -> list[int]:
        return [i for i in self.websites if i != 0]

    def of_new_product(self, scope: str | None, data: Mapping[str, Any]) -> list[int]:
        """The website ids Magento gives a product created in ``scope`` (None: the default store)."""
        if self.new_product_websites == NO_WEBSITE:
            return []
        if self.new_product_websites == ALL_WEBSITES or len(self.real()) == 1:
            return self.real()
        sent = (data.get("extension_attributes") or {}).get("website_ids")
        if isinstance(sent, list):
            return [int(i) for i in dict.fromkeys(sent) if isinstance(i, int) and i in self.websites and i != 0]
        return self.real() if scope == "all" else [self.website_of(scope or "default")]

    # -- handlers ---------------------------------------------------------------------------

    def _list(self, request: Request) -> Response:
        return Response(200, [dict(w) for w in self.websites.values()])

    def _product(self, request: Request) -> dict[str, Any]:
        from .magento import NO_PRODUCT

        product = self.shop._product(request.params["sku"])
        if product is None:
            raise MagentoError(404, NO_PRODUCT)
        return product

    def _assign(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("productWebsiteLink"), dict):
            raise MagentoError(400, REQUIRED, {"fieldName": "productWebsiteLink"})
        link = body["productWebsiteLink"]
        check_known_fields(link, ("sku", "website_id"), LINK_CLASS)
        website = link.get("website_id")
        if not isinstance(website, int) or isinstance(website, bool) or website == 0:
            raise MagentoError(400, NO_WEBSITE_GIVEN)
        product = self._product(request)
        if website not in self.websites:
            raise MagentoError(400, NOT_ASSIGNED, [str(product["id"]), str(website)])
        ids = product["extension_attributes"].setdefault("website_ids", [])
        if website not in ids:
            ids.append(website)
        return Response(200, True)

    def _unassign(self, request: Request) -> Response:
        product = self._product(request)
        try:
            website = int(request.params["website"])
        except ValueError:
            raise MagentoError(400, 'The "%1" value\'s type is invalid. The "%2" type was expected. Verify and try '
                                    'again.', [request.params["website"], "int"]) from None
        ids = product["extension_attributes"].setdefault("website_ids", [])
        product["extension_attributes"]["website_ids"] = [i for i in ids if i != website]
        return Response(200, True)
