"""Builds the typer application: ``run``, ``check``, ``version`` and the plugin commands.

The plain ``propylon`` command uses the modules installed in its environment; an edition
passes its own registry, so it has exactly the modules it was assembled with.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from propylon import __version__
from propylon.cli.direct import RunArguments, read_run
from propylon.config import ConfigError, ServiceConfig, load_service, read_service
from propylon.modules import Module, installed_modules

ModuleSource = Callable[[], Sequence[Module]]
ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="The gateway configuration (JSON, YAML or TOML).")
]


def build_cli(
    *,
    name: str = "propylon",
    modules: ModuleSource = installed_modules,
    edition: tuple[str, str] | None = None,
    environment: Callable[[], dict[str, str]] | None = None,
) -> typer.Typer:
    """``edition`` is (distribution, version) of an assembled edition, shown by ``version``;
    ``environment`` gives the distributions plugins are checked against (an edition's lock;
    by default, the distributions installed here).

    The plugin commands' imports are made when they run: the gateway's workers are forked
    from ``run``, and what they inherit is only what serving needs.
    """
    app = GatewayCli(
        name=name,
        help="An extensible API gateway running KrakenD v3 configurations.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    default_workers = int(os.environ.get("PROPYLON_WORKERS", "0"))

    @app.command()
    def run(
        config: ConfigOption,
        debug: Annotated[bool, typer.Option("--debug", "-d", help="Enable /__debug/.")] = False,
        port: Annotated[int, typer.Option("--port", "-p", help="Override the port.")] = 0,
        workers: Annotated[
            int,
            typer.Option("--workers", "-w", help="Processes serving the port (0: one per CPU)."),
        ] = default_workers,
        log_level: Annotated[str, typer.Option("--log-level", "-l")] = "INFO",
    ) -> None:
        """Run the gateway."""
        run_gateway(RunArguments(config, debug, port, workers, log_level), modules)

    @app.command()
    def check(
        config: ConfigOption,
        lint: Annotated[
            bool, typer.Option("--lint", help="Fail on warnings too (KrakenD-lenient values).")
        ] = False,
    ) -> None:
        """Validate a configuration: every error and warning, one line each naming the file,
        endpoint and field; exit 1 on an error (or, with --lint, a warning)."""
        from propylon.gateway import edition_modules

        configure_logging("ERROR")
        service, problems = read_service(config, edition_modules(modules()))
        for problem in problems.found:
            typer.echo(f"{problem.level.upper()}: {problem}", err=True)
        if service is None or problems.errors or (lint and problems.warnings):
            raise typer.Exit(1)
        typer.echo(f"Syntax OK! {config}: {len(service.endpoints)} endpoints")

    @app.command()
    def version() -> None:
        """Print the core version, and every module with its version."""
        if edition is not None:
            typer.echo(f"{edition[0]} {edition[1]}")
        typer.echo(f"propylon-core {__version__}")
        for module in modules():
            typer.echo(f"  {module.name} {module.version or '(unknown version)'}")

    @app.command()
    def audit(
        config: ConfigOption,
        severity: Annotated[
            str, typer.Option(help="Lowest severity shown: LOW, MEDIUM, HIGH, CRITICAL.")
        ] = "LOW",
        ignore: Annotated[list[str], typer.Option("--ignore", "-i", help="Rule ids to skip.")] = [],  # noqa: B006
        fail_on: Annotated[
            str, typer.Option(help="Exit 1 when a finding reaches this severity.")
        ] = "",
    ) -> None:
        """Security recommendations for a configuration."""
        from propylon.audit import audit as run_audit
        from propylon.audit.rules import SEVERITIES

        configure_logging("ERROR")
        for value in (severity, fail_on):
            if value and value.upper() not in SEVERITIES:
                _fail(f"unknown severity {value!r}; use one of {', '.join(SEVERITIES)}")
        findings = run_audit(_load_or_exit(config, modules()), severity.upper(), frozenset(ignore))
        for finding in findings:
            typer.echo(str(finding))
        typer.echo(f"{len(findings)} recommendations")
        if fail_on and any(
            SEVERITIES.index(f.severity) >= SEVERITIES.index(fail_on.upper()) for f in findings
        ):
            raise typer.Exit(1)

    @app.command("test-plugin")
    def test_plugin(
        paths: Annotated[list[Path], typer.Argument(help="Plugin files, folders or wheels.")],
        server: Annotated[
            bool, typer.Option("-s", "--server", help="Must register a server handler.")
        ] = False,
        client: Annotated[
            bool, typer.Option("-c", "--client", help="Must register a client handler.")
        ] = False,
        modifier: Annotated[
            bool, typer.Option("-m", "--modifier", help="Must register a modifier.")
        ] = False,
    ) -> None:
        """Load plugins and print [OK] or [KO] with what each registers; exit 1 on any KO."""
        from propylon.cli.plugins import test_plugins

        configure_logging("CRITICAL")
        required = {
            k for k, on in (("server", server), ("client", client), ("modifier", modifier)) if on
        }
        raise typer.Exit(1 if test_plugins(paths, required) else 0)

    @app.command("check-plugin")
    def check_plugin_command(
        path: Annotated[Path, typer.Argument(help="A plugin wheel, file or folder.")],
    ) -> None:
        """Compare a plugin's requirements with this edition's distributions; exit 1 on conflicts."""
        from propylon.cli.plugins import check_plugin
        from propylon.plugin.requirements import installed_versions

        raise typer.Exit(1 if check_plugin(path, environment or installed_versions) else 0)

    app.run_arguments = lambda argv: read_run(argv, default_workers)
    app.run_gateway = lambda arguments: run_gateway(arguments, modules)
    return app


class GatewayCli(typer.Typer):
    """The typer application; a plain ``propylon run`` is served without invoking typer
    (``propylon.cli.direct`` says why)."""

    # Set by build_cli.
    run_arguments: Callable[[list[str]], RunArguments | None]
    run_gateway: Callable[[RunArguments], None]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        arguments = None if args or kwargs else self.run_arguments(sys.argv[1:])
        if arguments is None:
            return super().__call__(*args, **kwargs)
        try:
            self.run_gateway(arguments)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        return None


def run_gateway(arguments: RunArguments, modules: ModuleSource) -> None:
    """Loads the configuration and the modules, prepares what workers share, and serves;
    ends with ``typer.Exit`` carrying the exit status."""
    from propylon.gateway import build_application
    from propylon.plugin.module import load_service_plugins
    from propylon.router.protocol import ServerOptions
    from propylon.serve import PortInUse, serve

    configure_logging(arguments.log_level)
    loaded = modules()
    service = _load_or_exit(arguments.config, loaded)
    if arguments.port:
        service.port = arguments.port
    plugins, _reports = load_service_plugins(service, logging.getLogger("propylon.plugin"))
    count = arguments.workers or os.cpu_count() or 1
    for module in loaded:
        if module.prefork is not None:
            _prefork(module, service, count)
    debug = arguments.debug
    try:
        status = serve(
            lambda: build_application(service, loaded, debug=debug, plugins=plugins),
            service.listen_ip,
            service.port,
            count,
            ServerOptions.from_service(service),
            service.tls,
        )
    except PortInUse as exc:
        _fail(str(exc))
    raise typer.Exit(status)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def _load_or_exit(config: Path, modules: Sequence[Module]):
    from propylon.gateway import edition_modules

    try:
        return load_service(config, edition_modules(modules))
    except ConfigError as exc:
        _fail(str(exc))


def _prefork(module: Module, service: ServiceConfig, workers: int) -> None:
    """A module's shared state, made before the fork; its failure is one line, not a traceback."""
    assert module.prefork is not None
    try:
        module.prefork(service, workers)
    except ConfigError as exc:
        _fail(str(exc))
    except (OSError, ValueError, RuntimeError) as exc:
        _fail(f"module {module.name!r} could not prepare the workers: {exc}")


def _fail(message: str) -> None:
    for line in message.splitlines() or [""]:
        typer.echo(f"ERROR: {line}", err=True)
    raise typer.Exit(1)
