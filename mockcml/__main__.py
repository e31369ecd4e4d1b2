from mockcml.cli import main

raise SystemExit(main())
