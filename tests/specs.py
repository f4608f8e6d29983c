"""The vendors' API descriptions the contract tests read, and the command that fetches them.

The tests read them from ``../shared/specs/`` beside the clone (CI and the project's own
machines have it). In any other clone, from its root::

    python -m tests.specs fetch

downloads the same documents from their public repositories, pinned at fixed commits, into
the git-ignored folder ``.specs/``, and checks each file's sha256: a file that differs is an
error and nothing of that download is kept. Without either folder the contract tests are
skipped, naming this command; under CI (``CI=true``) they fail instead.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "specs"
FETCHED = ROOT / ".specs"
RAW = "https://raw.githubusercontent.com"
FETCH_COMMAND = "python -m tests.specs fetch"
MAX_BYTES = 20_000_000  # per document; the largest is about 1.1 MB


@dataclass(frozen=True)
class Document:
    local: str  # where the tests read it, under the specs folder
    repo: str
    commit: str
    path: str  # in the repository
    sha256: str

    def url(self, base: str = RAW) -> str:
        return f"{base.rstrip('/')}/{self.repo}/{self.commit}/{self.path}"


_MAGENTO = ("AdobeDocs/commerce-webapi", "e2275b5623d47d248df025a9e2a276162e551699", "src/openapi/")
_INVOICENINJA = ("invoiceninja/invoiceninja", "0fc7a27cf484a5dea8ce85fe4eb1dfffdfe2d011", "openapi/")  # tag v5.10.27
_ZOHO = ("api-evangelist/zoho-inventory", "b973d8191ca51acfcfdee3b65df880c50339a6dc", "openapi/_original/")
_WOO = ("woocommerce/woocommerce-rest-api-docs", "13d61967911cb312a27be2dc57b12d5949f40016",
        "source/includes/wp-api-v3/")


def _doc(local: str, source: tuple[str, str, str], name: str, sha256: str) -> Document:
    repo, commit, folder = source
    return Document(local, repo, commit, folder + name, sha256)


DOCUMENTS: tuple[Document, ...] = (
    _doc("magento/admin-schema-2.4.9.yaml", _MAGENTO, "admin-schema-2.4.9.yaml",
         "c5c6dbc3d4995f3ee136cc49dbb74d5c323477a8954df0b213e65e1bae9bea6d"),
    _doc("invoiceninja/api-docs.yaml", _INVOICENINJA, "api-docs.yaml",
         "682967177252560f89bb86b4e16458ddefa37d4063eb073a7286310c3b31cf6f"),
    _doc("zoho/contacts.yml", _ZOHO, "contacts.yml",
         "f053a551cdf0705bd43ce67fda3162bbd3e9d415c6730dc545b1d4b6052d05da"),
    _doc("zoho/inventoryadjustments.yml", _ZOHO, "inventoryadjustments.yml",
         "2f53def43227a57daca69b7f0e4cce84d07e8ad24a7a32d627bbfa6c1bca9bdf"),
    _doc("zoho/items.yml", _ZOHO, "items.yml",
         "82bbace2d3959e59d6f39cd13d46b3420e4800b671079192c8373c6f3c0e24f5"),
    _doc("zoho/locations.yml", _ZOHO, "locations.yml",
         "a2ae6ef7e2592c29624e6501275c564e0413219a122415aafbd08826b767f368"),
    _doc("zoho/packages.yml", _ZOHO, "packages.yml",
         "19c596f6abea82fafa744e936f230e0463b3f652e08e5248684d19b88427dc04"),
    _doc("zoho/salesorders.yml", _ZOHO, "salesorders.yml",
         "95666f55ad1131c62a92e66d5fe148e1a1d67561f9cbe56b6897d436f1f84080"),
    _doc("zoho/shipmentorders.yml", _ZOHO, "shipmentorders.yml",
         "b1f0197433ba945069165b584abd03c0b2bdb673803b88b13e8d527c5230597d"),
    _doc("woocommerce/woo_auth.md", _WOO, "_authentication.md",
         "a5367ad6508329e233b6f3fa5f66ecfc0ea6b8b97e793cf444adba29cb204e6b"),
    _doc("woocommerce/woo_intro.md", _WOO, "_introduction.md",
         "2916da5a254ffbcc9393de715c302184a0da474b715db56549577d710f3e036d"),
    _doc("woocommerce/woo_order_notes.md", _WOO, "_order-notes.md",
         "20854a5a36270abaec5bdcddf3a38da7d3de68db12f37295a9258e6a387badc2"),
    _doc("woocommerce/woo_orders.md", _WOO, "_orders.md",
         "db3e2a686a7db2571d31fc1a2ec3a46446f0b4782ac90453f874d573bbdc31fa"),
    _doc("woocommerce/woo_products.md", _WOO, "_products.md",
         "2d813e0f3e5cab1cdad79e1f3a35fe17f8dcab0945bc011ffd4505e38b06b4bc"),
    _doc("woocommerce/woo_setting_options.md", _WOO, "_setting-options.md",
         "19ee74139629c723532df9b7e1cd124452eab633674312f36d3bf90ab6dd5159"),
    _doc("woocommerce/woo_variations.md", _WOO, "_product-variations.md",
         "ff12ec04f712e5d131d49516c8c17c4f9b1a1963cdeebb305a0cc01c9f93bb12"),
    _doc("woocommerce/woo_webhooks.md", _WOO, "_webhooks.md",
         "d0b5e9d8b836490e12a206e205090ac25b201f4f40acac6fa71790a35e22e9ba"),
)


class Unavailable(Exception):
    """No usable copy of the documents: the contract tests are skipped with this reason."""


class Required(Exception):
    """Under CI the documents must come from ../shared: the contract tests fail with this."""


class FetchError(Exception):
    """A download failed or was not the pinned file; nothing of it was kept."""


def locate(*, shared: Path = SHARED, fetched: Path = FETCHED, ci: bool = False) -> Path:
    """The folder the contract tests read: ../shared/specs, else (not under CI) a fetched copy."""
    if (shared / "README.md").exists():
        return shared
    if ci:
        raise Required(f"the vendor API descriptions are missing: CI runs the contract tests from {shared}")
    if not fetched.exists():
        raise Unavailable(f"no vendor API descriptions: neither {shared} nor {fetched}; "
                          f"run `{FETCH_COMMAND}` from the clone's root to download them")
    for doc in DOCUMENTS:
        file = fetched / doc.local
        if not file.is_file() or _sha256(file.read_bytes()) != doc.sha256:
            raise Unavailable(f"{file} is missing or not the pinned file; run `{FETCH_COMMAND}` again")
    return fetched


def fetch(dest: Path = FETCHED, *, base_url: str = RAW, timeout: float = 60.0) -> list[str]:
    """Downloads every document into ``dest`` (replacing what was there) and returns their URLs.

    Everything goes to a temporary folder first: a failed or altered download leaves ``dest``
    as it was.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".specs-download-", dir=dest.parent))
    try:
        urls = []
        for doc in DOCUMENTS:
            url = doc.url(base_url)
            data = _download(url, timeout)
            digest = _sha256(data)
            if digest != doc.sha256:
                raise FetchError(f"{url}: sha256 is {digest}, expected {doc.sha256} (the pinned file); "
                                 "nothing was kept")
            target = staging / doc.local
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            urls.append(url)
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
        return urls
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _download(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            data = answer.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}; nothing was kept") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: cannot download ({reason}); nothing was kept") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"{url}: larger than {MAX_BYTES} bytes, not the pinned file; nothing was kept")
    return data


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.specs", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command = commands.add_parser("fetch", help=f"download the pinned documents into {FETCHED.name}/")
    command.add_argument("--base-url", default=RAW, help=f"where the repositories' raw files are (default {RAW})")
    command.add_argument("--dest", type=Path, default=FETCHED, help=f"folder to fill (default {FETCHED})")
    args = parser.parse_args(argv)
    try:
        urls = fetch(args.dest, base_url=args.base_url)
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(urls)} documents checked (sha256) and saved in {args.dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
