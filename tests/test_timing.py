"""The timing tools: stopwatch, Timeline, loop_lag and concurrency_explorer."""

from __future__ import annotations

import asyncio
import base64
import builtins
import io
import re
import time

import aiohttp
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config

from helpers import Timeline, concurrency_explorer, loop_lag, stopwatch
from helpers.display import show
from helpers.timeline import CANCELLED, FAILED, OK

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """An in-process IPython shell, so that display() calls can be captured."""
    if InteractiveShell.initialized():  # someone else's: use it, leave it
        yield InteractiveShell.instance()
        return
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    names = set(vars(builtins))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    yield InteractiveShell.instance(config=config)
    InteractiveShell.clear_instance()
    for name in set(vars(builtins)) - names:  # the shell adds display() and __IPYTHON__
        delattr(builtins, name)


def png_of(output) -> bytes:
    """The PNG bytes of one captured rich output."""
    data = output.data["image/png"]
    return data if isinstance(data, bytes) else base64.b64decode(data)


def hand_made() -> Timeline:
    """Spans a, b overlap for 1 s; c runs alone later: wall 6, busy 5, peak 2."""
    timeline = Timeline("hand made")
    timeline.add("a", 10.0, 12.0)
    timeline.add("b", 11.0, 13.0, FAILED)
    timeline.add("c", 15.0, 16.0, CANCELLED)
    return timeline


# --- stopwatch -----------------------------------------------------------------------------


def test_stopwatch_prints_one_line(capsys):
    with stopwatch("label") as watch:
        time.sleep(0.2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"label: \d+\.\d\d s", lines[0])
    assert lines[0] == f"label: {watch.elapsed:.2f} s"
    assert 0.95 <= watch.elapsed / 0.2 < 3


@pytest.mark.asyncio
async def test_stopwatch_works_with_async_with(capsys):
    async with stopwatch("label") as watch:
        await asyncio.sleep(0.2)
    (line,) = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"label: \d+\.\d\d s", line)
    assert 0.95 <= watch.elapsed / 0.2 < 3


def test_quiet_stopwatch_prints_nothing(capsys):
    with stopwatch("label", quiet=True) as watch:
        time.sleep(0.05)
    assert capsys.readouterr().out == ""
    assert watch.elapsed >= 0.05


# --- Timeline: recording -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_spans_are_recorded_by_with_and_async_with():
    timeline = Timeline()
    before = time.perf_counter()
    with timeline.span("sync"):
        time.sleep(0.05)
    async with timeline.span("async"):
        await asyncio.sleep(0.05)
    after = time.perf_counter()
    assert [(s.label, s.color) for s in timeline.spans] == [("sync", OK), ("async", OK)]
    for span in timeline.spans:
        assert before <= span.start and span.end <= after
        assert span.duration >= 0.05
    assert timeline.spans[0].end <= timeline.spans[1].start


@pytest.mark.asyncio
async def test_a_raising_block_is_failed_and_still_raises():
    timeline = Timeline()
    with pytest.raises(ValueError, match="sync"), timeline.span("sync"):
        raise ValueError("sync")
    with pytest.raises(KeyError):
        async with timeline.span("async"):
            raise KeyError("async")
    assert [(s.label, s.color) for s in timeline.spans] == [("sync", FAILED), ("async", FAILED)]


@pytest.mark.asyncio
async def test_a_cancelled_block_is_cancelled():
    timeline = Timeline()

    async def work():
        async with timeline.span("cancelled"):
            await asyncio.sleep(10)

    task = asyncio.create_task(work())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [(s.label, s.color) for s in timeline.spans] == [("cancelled", CANCELLED)]
    assert timeline.spans[0].duration >= 0.04


# --- Timeline: figures ---------------------------------------------------------------------


def test_figures_of_hand_made_spans():
    timeline = hand_made()
    assert timeline.wall == pytest.approx(6.0)
    assert timeline.busy == pytest.approx(5.0)
    assert timeline.concurrency == pytest.approx(5 / 6)
    assert timeline.peak == 2
    assert timeline.summary() == (
        "3 spans, wall 6.00 s, busy 5.00 s, average concurrency 0.8, peak 2"
    )


def test_peak_counts_only_real_overlap():
    touching = Timeline()
    touching.add("first", 0.0, 1.0)
    touching.add("second", 1.0, 2.0)  # starts as the first ends
    touching.add("third", 0.5, 1.5)
    assert touching.peak == 2
    stacked = Timeline()
    for n in range(4):
        stacked.add(f"s{n}", n * 0.1, 5.0)
    assert stacked.peak == 4
    assert stacked.concurrency == pytest.approx(stacked.busy / 5.0)


def test_empty_timeline_figures():
    timeline = Timeline()
    assert (timeline.wall, timeline.busy, timeline.concurrency, timeline.peak) == (0, 0, 0, 0)


def test_add_refuses_a_span_that_ends_before_it_starts():
    timeline = Timeline()
    with pytest.raises(ValueError, match="before it starts"):
        timeline.add("backwards", 2.0, 1.0)
    assert timeline.spans == []
    timeline.add("instant", 1.0, 1.0)
    assert timeline.spans[0].duration == 0


@pytest.mark.asyncio
async def test_from_server_has_one_span_per_request(fresh_server):
    async with aiohttp.ClientSession() as session:
        for path in ["/items?page=2&per_page=5", "/status/404", "/items/1"]:
            async with session.get(fresh_server.url + path) as response:
                await response.read()
        with pytest.raises(asyncio.TimeoutError):
            await session.get(fresh_server.url + "/hang", timeout=aiohttp.ClientTimeout(total=0.2))
    deadline = time.monotonic() + 3
    while (stats := fresh_server.stats())["in_flight"] and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    timeline = Timeline.from_server(stats)
    assert [(s.label, s.color) for s in timeline.spans] == [
        ("/items?page=2&per_page=5", OK),
        ("/status/404", FAILED),
        ("/items/1", OK),
        ("/hang", CANCELLED),
    ]
    assert [(s.start, s.end) for s in timeline.spans] == [
        (e["start"], e["end"]) for e in stats["log"]
    ]


# --- Timeline: drawing ---------------------------------------------------------------------


def test_figure_has_one_bar_per_span(tmp_path):
    timeline = hand_made()
    figure = timeline.figure()
    path = tmp_path / "timeline.png"
    figure.savefig(path)
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert path.stat().st_size > 5_000
    (axes,) = figure.axes
    bars = [(bar.get_x(), bar.get_width()) for bar in axes.patches]
    assert bars == [pytest.approx(bar) for bar in [(0.0, 2.0), (1.0, 2.0), (5.0, 1.0)]]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["a", "b", "c"]
    assert timeline.summary() in axes.get_title()


def test_legend_names_the_colours_only_when_they_differ():
    (mixed,) = hand_made().figure().axes
    assert [text.get_text() for text in mixed.get_legend().get_texts()] == [
        "finished",
        "failed",
        "cancelled or abandoned",
    ]
    plain = Timeline()
    plain.add("a", 0.0, 1.0)
    (axes,) = plain.figure().axes
    assert axes.get_legend() is None


def test_many_spans_render_without_labels():
    timeline = Timeline()
    for n in range(60):
        timeline.add(f"request {n}", n * 0.01, n * 0.01 + 0.5)
    figure = timeline.figure()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(PNG_SIGNATURE)
    (axes,) = figure.axes
    assert len(axes.patches) == 60
    assert axes.get_yticklabels() == []
    assert axes.get_ylabel() == "60 spans"


def test_plot_displays_one_png(shell):
    with capture_output() as captured:
        hand_made().plot()
    assert len(captured.outputs) == 1
    assert png_of(captured.outputs[0]).startswith(PNG_SIGNATURE)


def test_show_displays_any_figure_as_png(shell):
    with capture_output() as captured:
        show(hand_made().figure())
        show(hand_made().figure())
    assert [("image/png" in output.data) for output in captured.outputs] == [True, True]


# --- loop_lag ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_loop_lag_sees_a_blocking_call():
    async with loop_lag() as lag:
        time.sleep(0.3)
    assert lag.max >= 0.2
    assert lag.samples
    assert "worst" in repr(lag)
    buffer = io.BytesIO()
    lag.figure().savefig(buffer, format="png")
    assert buffer.getvalue().startswith(PNG_SIGNATURE)


@pytest.mark.asyncio
async def test_loop_lag_stays_low_while_awaiting():
    async with loop_lag() as lag:
        await asyncio.sleep(0.3)
    assert lag.max < 0.1
    assert len(lag.samples) >= 5
    assert all(late >= 0 for _, late in lag.samples)


def test_loop_lag_refuses_a_non_positive_interval():
    with pytest.raises(ValueError):
        loop_lag(0)


# --- concurrency_explorer ------------------------------------------------------------------


def controls(widget):
    """Every widget inside `widget`, depth first."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from controls(child)


async def until(condition, timeout: float = 5.0) -> bool:
    """Wait for `condition()` to hold; returns whether it did."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return condition()


@pytest.mark.asyncio
async def test_explorer_runs_the_demo_with_the_slider_value(shell):
    import ipywidgets as widgets

    calls, release = [], asyncio.Event()

    async def demo(n: int) -> Timeline:
        calls.append(n)
        await release.wait()
        timeline = Timeline()
        timeline.add("x", 0.0, 0.1)
        return timeline

    explorer = concurrency_explorer(demo, value=7)
    assert isinstance(explorer, widgets.VBox)
    (slider,) = [w for w in controls(explorer) if isinstance(w, widgets.IntSlider)]
    (button,) = [w for w in controls(explorer) if isinstance(w, widgets.Button)]
    assert [isinstance(w, widgets.Output) for w in controls(explorer)].count(True) == 1
    assert slider.value == 7
    (output,) = [w for w in controls(explorer) if isinstance(w, widgets.Output)]
    slider.value = 9
    for run in (1, 2):  # every click draws, each chart replacing the last
        button.click()
        assert await until(lambda run=run: calls == [9] * run)
        assert button.disabled  # no second run while one is going
        release.set()
        assert await until(lambda: not button.disabled)
        release.clear()
        assert len(output.outputs) == 1, output.outputs
        data = output.outputs[0]["data"]["image/png"]
        assert base64.b64decode(data).startswith(PNG_SIGNATURE)


@pytest.mark.asyncio
async def test_explorer_shows_a_failing_demo(shell):
    import ipywidgets as widgets

    async def demo(n: int) -> Timeline:
        raise RuntimeError(f"no server for {n}")

    explorer = concurrency_explorer(demo, value=3)
    (button,) = [w for w in controls(explorer) if isinstance(w, widgets.Button)]
    (output,) = [w for w in controls(explorer) if isinstance(w, widgets.Output)]

    def shown() -> str:
        return "".join(o.get("text", "") for o in output.outputs)

    button.click()
    assert await until(lambda: "the demo failed" in shown())
    assert "RuntimeError: no server for 3" in shown()
    assert not button.disabled
