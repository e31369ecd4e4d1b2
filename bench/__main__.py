"""``python -m bench``: every benchmark, one table, JSON and markdown (see bench/run.py)."""

from bench.run import main

raise SystemExit(main())
