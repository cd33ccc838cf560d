"""Show a matplotlib figure in the notebook as a PNG, whatever backend is configured."""

from __future__ import annotations

import io


def show(fig) -> None:
    """Display `fig` as one image output (no pyplot state, so nothing is shown twice)."""
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    display(Image(data=buffer.getvalue(), format="png"))
