"""Show a matplotlib figure in the notebook as a PNG, whatever backend is configured."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from IPython.display import Image
    from matplotlib.figure import Figure


def png(fig: Figure) -> Image:
    """`fig` as an IPython Image holding a PNG (no pyplot state, so nothing is shown twice)."""
    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return Image(data=buffer.getvalue(), format="png")


def show(fig: Figure) -> None:
    """Display `fig` as one image output."""
    from IPython.display import display

    display(png(fig))
