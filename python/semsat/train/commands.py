"""The subcommands of ``semsat-train``: name → what it trains. Add a model by adding a module here."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from . import a2f, codec, expression, visemes


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {
    "a2f": Command(a2f.HELP, a2f.add_arguments, a2f.run),
    "codec": Command(codec.HELP, codec.add_arguments, codec.run),
    "expression": Command(expression.HELP, expression.add_arguments, expression.run),
    "visemes": Command(visemes.HELP, visemes.add_arguments, visemes.run),
}
