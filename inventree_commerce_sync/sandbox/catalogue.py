"""The neutral catalogue every sandbox is seeded from, and generators for tests and benchmarks.

A catalogue is ``{"products": [...]}``; each product is a dict with ``sku``, ``quantity``
and optionally ``name``, ``type`` (``simple`` by default; ``variable`` with ``variation``
children naming their ``parent`` SKU; ``bundle``, ``grouped``, ``external``), and
``manage_stock`` (true by default). Each sandbox maps this onto its own model; keys a
sandbox does not know are ignored, and a sandbox may read keys of its own
(``status``: ``active``/``archived``/``deleted`` for Invoice Ninja, ``locations`` for Zoho).
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

Catalogue = dict[str, list[dict[str, Any]]]


def load(path: str | Path | None = None) -> Catalogue:
    """A catalogue from a JSON file, or the bundled demo catalogue when ``path`` is None."""
    if path is None:
        text = resources.files(__package__).joinpath("data/demo.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise ValueError(f"{path or 'demo.json'}: a catalogue is an object with a list under \"products\"")
    return data


# SKUs a real catalogue holds and a careless client breaks on.
AWKWARD_SKUS = ("BOLT/M3/10", "CABLE 2M", "ÜBER-Mütze", "CAFÉ-Crème", "SKU+PLUS", "100%COTTON", "A&B", "Q?X")


def sku_for(index: int, *, awkward: bool = True, prefix: str = "SKU") -> str:
    """The SKU ``generate`` gives its ``index``-th product."""
    if awkward and index < len(AWKWARD_SKUS):
        return f"{AWKWARD_SKUS[index]}-{index}"
    return f"{prefix}-{index:06d}"


def generate(count: int, *, seed: int = 1, unmanaged_every: int = 0, awkward: bool = True,
             prefix: str = "SKU") -> Catalogue:
    """``count`` simple products with random quantities; every ``unmanaged_every``-th one not
    stock-managed; the first few with awkward SKUs (``/``, spaces, non-ASCII) when ``awkward``."""
    rng = random.Random(seed)
    products = []
    for index in range(count):
        sku = sku_for(index, awkward=awkward, prefix=prefix)
        product: dict[str, Any] = {"sku": sku, "name": f"Product {index}", "quantity": rng.randint(0, 50)}
        if unmanaged_every and index % unmanaged_every == unmanaged_every - 1:
            product["manage_stock"] = False
        products.append(product)
    return {"products": products}


def quantities(catalogue: Catalogue) -> dict[str, Decimal]:
    """SKU -> seeded quantity of every product that carries stock (not variable parents)."""
    return {
        p["sku"]: Decimal(str(p.get("quantity", 0)))
        for p in catalogue["products"]
        if p.get("type", "simple") in ("simple", "variation")
    }
