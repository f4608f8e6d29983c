"""Tests run by InvenTree's test runner (they need a configured InvenTree):

    source /work/itree/env.sh test
    cd "$INVENTREE_BACKEND" && python manage.py test inventree_commerce_sync.inventree.tests

The standalone pytest suite (tests/ at the repository root) does not collect these.
"""
