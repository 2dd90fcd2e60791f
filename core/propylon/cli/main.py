from propylon.cli.app import build_cli


def main() -> None:
    build_cli()()
