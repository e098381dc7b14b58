"""Pictures of analytics results with matplotlib (no display needed): trends and co-usage.

Written atomically as PNG, SVG or PDF, chosen by the file's suffix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kg.atomic import atomic_path
from kg.errors import InputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PICTURE_FORMATS = ("png", "svg", "pdf")


def _picture_format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in PICTURE_FORMATS:
        raise InputError(f"{path}: a picture is written as {', '.join('.' + f for f in PICTURE_FORMATS)}")
    return fmt


def _figure(rows: int, cols: int, size: tuple[float, float]) -> tuple[Figure, Any]:
    import matplotlib

    matplotlib.use("Agg")  # no display: the picture goes to a file
    from matplotlib import pyplot as plt

    return plt.subplots(rows, cols, figsize=size, squeeze=False)


def _save(figure: Figure, path: Path) -> Path:
    from matplotlib import pyplot as plt

    fmt = _picture_format(path)
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format=fmt, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path


def plot_trends(trends: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Papers per year of the rising and of the declining entities of
    :func:`kg.graph.analytics.trends`, one panel each, one line per entity."""
    path = Path(path)
    _picture_format(path)
    years = [c for c in trends.columns if isinstance(c, int)]
    panels = [(name, trends[trends["trend"] == name]) for name in ("rising", "declining")]
    panels = [(name, rows) for name, rows in panels if not rows.empty] or [("no trend", trends)]
    figure, axes = _figure(1, len(panels), (7 * len(panels), 5))
    for ax, (name, rows) in zip(axes[0], panels, strict=True):
        for _, row in rows.iterrows():
            ax.plot(
                years,
                [row[y] for y in years],
                marker="o",
                linewidth=1.5,
                label=f"{row['label']} ({row['slope']:+.2f})",
            )
        ax.set_title(f"{name.capitalize()}: papers per year (in the legend, the slope of their share)")
        ax.set_xlabel("year")
        ax.set_ylabel("papers")
        ax.set_xticks(years)
        ax.grid(alpha=0.3)
        if len(rows):
            ax.legend(fontsize=7, loc="upper left", ncol=1 if len(rows) <= 12 else 2)
    return _save(figure, path)


def plot_co_usage(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """A heat map of :func:`kg.graph.analytics.co_usage`: papers per pair of entities."""
    path = Path(path)
    _picture_format(path)
    figure, axes = _figure(1, 1, (max(6, 0.45 * len(table.columns) + 3), max(4, 0.35 * len(table) + 2)))
    ax = axes[0][0]
    image = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto")
    ax.set_xticks(
        range(len(table.columns)), [str(c) for c in table.columns], rotation=60, ha="right", fontsize=8
    )
    ax.set_yticks(range(len(table.index)), [str(i) for i in table.index], fontsize=8)
    ax.set_xlabel(table.columns.name or "")
    ax.set_ylabel(table.index.name or "")
    for (i, j), value in pd.DataFrame(table.to_numpy()).stack().items():
        if value:
            ax.text(j, i, str(value), ha="center", va="center", fontsize=6)
    figure.colorbar(image, ax=ax, label="papers")
    return _save(figure, path)
