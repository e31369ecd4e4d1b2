"""``mockcml serve`` and friends."""

from __future__ import annotations

import argparse
import gc
import sys

from mockcml import __version__


def _parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line; ``argv`` (when given) lets it skip what the command does not need:
    capture's arguments import the capture package (HTTP client, converters, every table),
    which ``mockcml serve`` would otherwise pay for at every start."""
    parser = argparse.ArgumentParser(prog="mockcml", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mockcml {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the mock CML API server")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="port to listen on, 1-65535 (default 8080)")
    serve.add_argument("--fixtures", nargs="+", action="extend", metavar="PATH",
                       help="YAML fixture files or directories to seed (repeatable)")
    serve.add_argument("--db", metavar="PATH|URL",
                       help="keep state in this SQLite file, or in PostgreSQL "
                            "(postgresql://user@host:port/db)")
    serve.add_argument("--time-scale", type=float,
                       help="multiplier for simulated durations (0 = instant, 1 = real time)")
    serve.add_argument("--workers", type=int,
                       help="server processes (default 1); more than one needs PostgreSQL "
                       "(--db postgresql://...), where they share every piece of state")
    serve.add_argument("--log-level", help="uvicorn log level")
    serve.add_argument("--strict", action="store_true", default=None,
                       help="refuse unknown request body fields with 400 (default: drop them "
                       "like the real API, and record them at /_mock/unknown-fields)")
    serve.add_argument("--response-style", choices=("full", "sparse"),
                       help="full (default): every field; sparse: zero, empty and null fields "
                       "left out, errors as {code, message}")

    check = commands.add_parser(
        "check", help="check YAML fixtures and report every problem (exit 1 if any)")
    check.add_argument("paths", nargs="+", metavar="FILE",
                       help="fixture files or directories, combined in the order given")

    capture = commands.add_parser(
        "capture", help="read a CML workspace through API v2 and write it as a scenario")
    if argv is None or "capture" in argv:
        from mockcml.capture.command import add_arguments

        add_arguments(capture)
    export = commands.add_parser(
        "export", help="write the state of a running mockcml as a scenario")
    export.add_argument("--url", default="http://127.0.0.1:8080",
                        help="the running mockcml (default http://127.0.0.1:8080)")
    export.add_argument("--control-token", metavar="TOKEN",
                        help="its control token, if it has one (default: MOCKCML_CONTROL_TOKEN)")
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 1-65535")
    return port


def _storage(settings) -> str:  # noqa: ANN001
    """Where state lives, for the banner; a server URL without its password."""
    url = settings.url
    if url == "sqlite://":
        return "in memory"
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class SettingsError(Exception):
    """A setting (flag or MOCKCML_* variable) with a value it cannot take."""


def _settings(args: argparse.Namespace):
    from pydantic import ValidationError

    from mockcml.settings import Settings

    overrides = {
        key: value
        for key, value in {
            "host": args.host, "port": args.port, "fixtures": args.fixtures, "db": args.db,
            "time_scale": args.time_scale, "log_level": args.log_level, "workers": args.workers,
            "strict": args.strict, "response_style": args.response_style,
        }.items()
        if value is not None
    }
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"])
            problems.append(f"{name} (--{name.replace('_', '-')} or MOCKCML_{name.upper()}):"
                            f" {error['msg']}, got {error.get('input')!r}")
        raise SettingsError("; ".join(problems)) from None


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(args: argparse.Namespace) -> int:
    # Start-up builds some 150,000 objects that live as long as the server (modules, tables,
    # routes, the contract) and next to no garbage; the cyclic collector would walk them all
    # several times on the way (about 15% of start-up). It runs again, with those objects
    # frozen out of its passes, once the app is built.
    gc.disable()
    try:
        return _serve(args)
    finally:
        gc.enable()


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mockcml import workers
    from mockcml.app import create_app
    from mockcml.serving import bind, uvicorn_config

    try:
        settings = _settings(args)
    except SettingsError as exc:
        print(f"mockcml: invalid setting: {exc}", file=sys.stderr, flush=True)
        return 2
    refusal = workers.refusal(settings)
    if refusal is not None:
        print(f"mockcml: {refusal}", file=sys.stderr, flush=True)
        return 2
    scenario = None
    if settings.fixtures:
        from mockcml.fixtures import FixtureError, read_scenario

        try:
            scenario = read_scenario(settings.fixtures, settings)
        except FixtureError as exc:
            print(f"mockcml: invalid fixtures, not starting\n{exc.report()}", file=sys.stderr,
                  flush=True)
            return 1
    if not _is_loopback(settings.host) and not settings.control_token:
        print(
            f"WARNING: mockcml listens on {settings.host} with no control token: anyone who can"
            " reach this port can reset, rewind and fault it through /_mock. Set"
            " MOCKCML_CONTROL_TOKEN to protect the controls.",
            file=sys.stderr, flush=True,
        )
    if settings.workers > 1:
        workers.hand_over(settings)  # each worker builds its own app from these
        config = uvicorn_config(workers.APP, settings)
        app = None
    else:
        app = create_app(settings)
        if scenario is not None:
            from mockcml.fixtures.kept import KeptScenario

            app.state.mock.scenario = KeptScenario(scenario)  # checked above; start() loads it
            app.state.mock.scenario_read = True
        config = uvicorn_config(app, settings)
    try:
        sockets = bind(config, settings.workers)
    except OSError as exc:
        print(f"mockcml: cannot listen on {settings.host}:{settings.port}: {exc.strerror}",
              file=sys.stderr, flush=True)
        return 1
    base = f"http://{settings.host}:{settings.port}"
    print(f"mockcml {__version__} — CML API v2 at {base}/api/v2", flush=True)
    print(f"  swagger UI: {base}/api/v2/swagger.html", flush=True)
    if scenario is not None and scenario.users:
        print(f"  fixtures:   {scenario.summary()}", flush=True)
    else:
        print(f"  admin key:  {settings.admin_username} / {settings.admin_api_key}", flush=True)
        if scenario is not None:
            print(f"  fixtures:   {scenario.summary()}", flush=True)
    print(f"  storage:    {_storage(settings)}", flush=True)
    if settings.workers > 1:
        print(f"  workers:    {settings.workers}", flush=True)
        from mockcml.supervisor import Supervisor

        Supervisor(config, sockets).run()
        return 0
    # Only the app keeps the scenario (start() packs it once seeded): this frame lives as
    # long as the server.
    del scenario, app
    gc.freeze()
    gc.enable()
    uvicorn.Server(config).run(sockets=sockets)
    return 0


def check(args: argparse.Namespace) -> int:
    from mockcml.fixtures import check as check_fixtures
    from mockcml.settings import Settings

    scenario, problems = check_fixtures(args.paths, Settings(), _now())
    for problem in problems:
        print(problem, flush=True)
    if problems:
        count = len(problems)
        print(f"{count} problem{'s' if count != 1 else ''}", file=sys.stderr, flush=True)
        return 1
    print(f"ok: {scenario.summary()}", flush=True)
    return 0


def _now() -> float:
    import time

    return time.time()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(argv).parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "check":
        return check(args)
    if args.command in ("capture", "export"):
        from mockcml.capture import command

        return getattr(command, args.command)(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
