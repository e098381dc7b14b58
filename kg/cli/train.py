"""``kg train`` and ``kg train-relations``: retrain the shipped recognizer and relation classifier on SciERC.

Training settings are the fields of :class:`~kg.training.recognizer.TrainConfig` and
:class:`~kg.training.relations.RelationConfig`, given as ``--set NAME=VALUE`` (e.g.
``--set epochs=3``); the defaults are the settings of the shipped models.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from kg.cli.app import app, out
from kg.errors import InputError

Config = TypeVar("Config")

DataOption = Annotated[
    Path, typer.Option("--data", help="A folder holding SciERC's train.json and dev.json (DyGIE JSON lines).")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="A training setting, NAME=VALUE (repeatable); see the config's fields."),
]


def with_settings(config: Config, settings: list[str] | None) -> Config:
    """``config`` with each ``NAME=VALUE`` of ``settings`` applied, each value of its field's type.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class C:
    ...     epochs: int = 1
    ...     tiny: bool = False
    ...     biases: tuple[float, ...] = (0.0,)
    >>> with_settings(C(), ["epochs=3", "tiny=yes", "biases=0.5,1"])
    C(epochs=3, tiny=True, biases=(0.5, 1.0))
    """
    fields = {f.name: type(getattr(config, f.name)) for f in dataclasses.fields(config)}
    changes: dict[str, Any] = {}
    for setting in settings or []:
        name, sep, value = setting.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in fields:
            raise InputError(f"--set {setting}: expected NAME=VALUE with NAME one of {', '.join(fields)}")
        kind = fields[name]
        try:
            if kind is bool:
                changes[name] = value.strip().lower() in {"1", "true", "yes", "on"}
            elif kind is tuple:
                changes[name] = tuple(float(v) for v in value.split(","))
            else:
                changes[name] = kind(value)
        except ValueError:
            raise InputError(f"--set {setting}: {value!r} is not a {kind.__name__}") from None
    return dataclasses.replace(config, **changes)


@app.command()
def train(
    data: DataOption,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="The model folder to write.")] = Path(
        "kg/extract/model/scierc-minilm"
    ),
    settings: SetOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Use only the first N train documents.")] = 0,
    head_only: Annotated[
        bool,
        typer.Option(
            "--head-only", help="Keep the encoder of --base frozen, train the span head (no torch)."
        ),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option("--base", help="The model whose encoder --head-only keeps (default: shipped)."),
    ] = None,
    quantize: Annotated[
        bool, typer.Option("--quantize/--no-quantize", help="Quantise the ONNX encoder.")
    ] = True,
) -> None:
    """Retrain the entity recognizer (the full fine-tune needs the `train` extra: torch)."""
    from kg.extract.model import DEFAULT_MODEL
    from kg.training.recognizer import TrainConfig, run

    config = with_settings(TrainConfig(), settings)
    dev = run(
        data, out_dir, config, limit=limit, head_only=head_only, base=base or DEFAULT_MODEL, quantize=quantize
    )
    out.print(json.dumps(dev, indent=1), markup=False, highlight=False)
    out.print(f"wrote {out_dir}", markup=False, highlight=False)


@app.command("train-relations")
def train_relations(
    data: DataOption,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="The model folder to write.")] = Path(
        "kg/extract/model/scierc-relations"
    ),
    settings: SetOption = None,
) -> None:
    """Retrain the relation classifier on the shipped recognizer's states (NumPy, no torch)."""
    from kg.training.relations import RelationConfig, run

    meta = run(data, out_dir, with_settings(RelationConfig(), settings))
    out.print(json.dumps(meta, indent=2), markup=False, highlight=False)
