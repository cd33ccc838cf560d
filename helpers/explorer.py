"""A notebook control: pick a number of concurrent requests, run a demo, see its timeline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from helpers.display import png
from helpers.timeline import Timeline

if TYPE_CHECKING:
    import ipywidgets as widgets


def concurrency_explorer(
    demo: Callable[[int], Awaitable[Timeline]],
    *,
    value: int = 5,
    maximum: int = 50,
    label: str = "requests",
) -> widgets.VBox:
    """A slider and a Run button: each click awaits `demo(n)` and redraws the Timeline it returns.

    `demo` is an async function taking the number of concurrent requests. The returned widget is
    displayed when it is the last expression of a cell.
    """
    import ipywidgets as widgets

    slider = widgets.IntSlider(value=value, min=1, max=maximum, description=label)
    button = widgets.Button(description="Run", icon="play", button_style="primary")
    output = widgets.Output()
    running: set[asyncio.Task[None]] = set()  # keep a reference, or the task may vanish mid-run

    # The run outlives the click's message, so `with output:` would capture nothing in
    # JupyterLab: the chart and any error are written into the widget's outputs directly.
    async def run(n: int) -> None:
        button.disabled = True
        try:
            timeline = await demo(n)
            output.outputs = ()
            output.append_display_data(png(timeline.figure()))
        except Exception as exc:  # show it where the learner is looking, not in the log
            output.outputs = ()
            output.append_stdout(f"the demo failed: {type(exc).__name__}: {exc}\n")
        finally:
            button.disabled = False

    def on_click(_button: widgets.Button) -> None:
        task = asyncio.get_running_loop().create_task(run(slider.value))
        running.add(task)
        task.add_done_callback(running.discard)

    button.on_click(on_click)
    return widgets.VBox([widgets.HBox([slider, button]), output])
