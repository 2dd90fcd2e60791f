"""The ``assemble`` subcommands, one module each: arguments in, a result printed."""
