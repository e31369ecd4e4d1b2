"""``mockcml serve`` and friends."""

from __future__ import annotations

import argparse
import sys

from mockcml import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockcml", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mockcml {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the mock CML API server")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080)")
    serve.add_argument("--fixtures", nargs="+", metavar="PATH",
                       help="YAML fixture files or directories to seed")
    serve.add_argument("--db", metavar="PATH", help="keep state in this SQLite file")
    serve.add_argument("--time-scale", type=float,
                       help="multiplier for simulated durations (0 = instant, 1 = real time)")
    serve.add_argument("--log-level", help="uvicorn log level")
    return parser


def _settings(args: argparse.Namespace):
    from mockcml.settings import Settings

    overrides = {
        key: value
        for key, value in {
            "host": args.host, "port": args.port, "fixtures": args.fixtures, "db": args.db,
            "time_scale": args.time_scale, "log_level": args.log_level,
        }.items()
        if value is not None
    }
    return Settings(**overrides)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mockcml.app import create_app

    settings = _settings(args)
    app = create_app(settings)
    base = f"http://{settings.host}:{settings.port}"
    print(f"mockcml {__version__} — CML API v2 at {base}/api/v2", flush=True)
    print(f"  swagger UI: {base}/api/v2/swagger.html", flush=True)
    print(f"  admin key:  {settings.admin_username} / {settings.admin_api_key}", flush=True)
    print(f"  storage:    {settings.db or 'in memory'}", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
