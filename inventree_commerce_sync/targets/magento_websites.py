"""The websites a new Magento product is assigned to: a product on no website is in no
storefront, and one on every website is sold where it may not belong.

What Magento does with ``POST /V1/products`` depends on its version and scope
(``ProductRepository::assignProductToWebsites``, ``Product\\Website\\SaveHandler``): in the
``all`` scope, where this client writes the catalogue, 2.2+ put a new product on every
website, and some versions ignore ``extension_attributes.website_ids`` doing so
(magento/magento2#16161, #36491); in a store view's scope it gets that store's website;
single-store mode always gives the default website; older versions and import extensions
leave it on none (magento/magento2#8173, #10495). So the client sends the websites it wants
in ``extension_attributes.website_ids`` and then makes the answer's ``website_ids`` (the
product as saved) equal to them: ``POST /V1/products/{sku}/websites`` for each one missing,
``DELETE /V1/products/{sku}/websites/{id}`` for each other one, on the products it has just
created only (an existing product's websites are never touched).

Which websites: the setting ``websites`` (codes or ids, comma-separated); empty, the only
website of a single-website store, else the website of the configured store view
(``store_code``, from ``GET /V1/store/storeConfigs``). Websites are read with ``GET
/V1/store/websites`` (ACL ``Magento_Backend::store``); a token that may not read them still
creates products when the setting gives ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..core.errors import AuthenticationError, ConfigError, TargetError
from ..core.settings import ConfigField
from .magento_rest import path_segment

if TYPE_CHECKING:
    from collections.abc import Mapping

ADMIN_WEBSITE = 0
WEBSITE_FIELDS = (
    ConfigField("websites", "Websites of new products",
                "codes or ids of the websites new products are assigned to, comma-separated (e.g. base); empty: "
                "the store's only website, or the website of the store view of Store code", default=""),
)


class MagentoWebsites:
    """Resolves and applies the websites of new products; see the module's docstring."""

    if TYPE_CHECKING:
        name: ClassVar[str]
        config: dict[str, Any]

        def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None, json: Any = None) -> Any: ...

    _website_ids: list[int] | None = None
    _website_note: str | None = None

    def _new_product_websites(self) -> list[int]:
        """The ids of the websites new products get ([] when they cannot be known: Magento decides)."""
        if self._website_ids is None:
            self._website_ids = self._resolve_websites()
        return self._website_ids

    def _resolve_websites(self) -> list[int]:
        wanted = [w.strip() for w in str(self.config.get("websites") or "").split(",") if w.strip()]
        try:
            websites = self._websites()
        except AuthenticationError as exc:
            if wanted and all(w.isdigit() for w in wanted):
                return [int(w) for w in dict.fromkeys(wanted)]
            self._website_note = (f"not assigned to a website by this client: the token may not read the store's "
                                  f"websites ({exc.reason}); set Websites of new products to their ids")
            return []
        named = ", ".join(f"{w['code']} ({w['id']})" for w in websites.values())
        if wanted:
            by_name = {str(w["code"]).casefold(): i for i, w in websites.items()} | {str(i): i for i in websites}
            unknown = [w for w in wanted if w.casefold() not in by_name]
            if unknown:
                raise ConfigError(f"{', '.join(map(repr, unknown))} is not a website of this store; its websites: "
                                  f"{named}", target=self.name, key="websites")
            return list(dict.fromkeys(by_name[w.casefold()] for w in wanted))
        if len(websites) == 1:
            return list(websites)
        store = self.config.get("store_code")
        configs = self._call("GET", "/store/storeConfigs")
        found = next((c for c in configs if isinstance(c, dict) and c.get("code") == store), None) \
            if isinstance(configs, list) else None
        if found is None or found.get("website_id") not in websites:
            raise ConfigError(f"this store has several websites ({named}) and store view {store!r} names none of "
                              "them: set the websites new products go to", target=self.name, key="websites")
        return [int(found["website_id"])]

    def _websites(self) -> dict[int, Mapping[str, Any]]:
        """The store's websites by id, without the admin website (id 0)."""
        answer = self._call("GET", "/store/websites")
        if not isinstance(answer, list):
            raise TargetError(self.name, "GET /V1/store/websites did not answer a list of websites")
        return {int(w["id"]): w for w in answer
                if isinstance(w, dict) and isinstance(w.get("id"), int) and w["id"] != ADMIN_WEBSITE}

    def _website_body(self) -> dict[str, Any]:
        """What the create request's ``extension_attributes`` carry about websites."""
        ids = self._new_product_websites()
        return {"website_ids": ids} if ids else {}

    def _settle_websites(self, sku: str, saved: Mapping[str, Any]) -> str | None:
        """Make a just-created product's websites the wanted ones; what could not be done, or None."""
        wanted = self._new_product_websites()
        if not wanted:
            return self._website_note
        extension = saved.get("extension_attributes")
        listed = extension.get("website_ids") if isinstance(extension, dict) else None
        has = {i for i in listed or [] if isinstance(i, int)}
        problems = []
        segment = path_segment(sku)
        for website in [w for w in wanted if w not in has]:
            problems += self._website_call(
                "POST", f"/products/{segment}/websites",
                {"productWebsiteLink": {"sku": sku, "website_id": website}}, f"not assigned to website {website}")
        for website in sorted(has - set(wanted) - {ADMIN_WEBSITE}):
            problems += self._website_call("DELETE", f"/products/{segment}/websites/{website}", None,
                                           f"still on website {website}")
        return "; ".join(problems) or None

    def _website_call(self, method: str, path: str, body: Any, failed: str) -> list[str]:
        try:
            self._call(method, path, json=body)  # absolute (assign / unassign one website): safe to resend
        except AuthenticationError:
            raise
        except TargetError as exc:
            return [f"{failed}: {exc.detail or exc.reason}"]
        return []
