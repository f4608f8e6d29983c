"""Keep the stock levels of online shops and invoicing systems equal to InvenTree's stock.

The package holds a pure core (``core``), one API client per target (``targets``), one
emulator per target (``sandbox``), the command line (``cli``) and the thin layer that
InvenTree's plugin loader imports (``inventree``). Nothing outside ``inventree`` imports Django.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("inventree-commerce-sync")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
