from inventree_commerce_sync.cli import main

raise SystemExit(main())
