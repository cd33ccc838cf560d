"""Print a table of figures."""

from __future__ import annotations


def table(title: str, headers: list[str], rows: list[list[object]]) -> str:
    """A plain-text table: left-aligned text, right-aligned numbers."""
    cells = [[str(c) for c in headers]] + [[_format(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([title, "", line(cells[0]), rule, *(line(r) for r in cells[1:]), ""])


def within(seconds: list[float], target: float) -> str:
    """'yes' if every figure measured is within `target` seconds, 'NO' if one is not."""
    if not seconds:
        return "n/a"
    return "yes" if max(seconds) <= target else "NO"


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
