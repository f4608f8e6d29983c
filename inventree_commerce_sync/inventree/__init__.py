"""The InvenTree layer: four plugins (plugins.py) over the shared core.

Importing this package needs no Django; importing plugins.py needs a configured InvenTree.
"""
