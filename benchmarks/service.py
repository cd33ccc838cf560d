"""The service the benchmark loads: lesson 16's shape, an aiohttp.web app in front of the mock API.

    python -m benchmarks.service --upstream http://127.0.0.1:PORT

serves on 127.0.0.1 and a free port, prints its URL, and runs until stopped. `/price/{id}` asks
the upstream for one item through one shared session, under an upstream semaphore, and sheds
load with a 503 beyond a limit on requests in progress; `/ping` answers at once.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

UPSTREAM = web.AppKey("upstream", aiohttp.ClientSession)
UPSTREAM_SLOTS = 50  # upstream requests at once
IN_PROGRESS_LIMIT = 200  # requests in progress before the service answers 503


def create_app(upstream_url: str) -> web.Application:
    slots = asyncio.Semaphore(UPSTREAM_SLOTS)
    in_progress = 0

    @web.middleware
    async def shed_load(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        nonlocal in_progress
        if in_progress >= IN_PROGRESS_LIMIT:
            return web.json_response({"error": "busy"}, status=503, headers={"Retry-After": "1"})
        in_progress += 1
        try:
            return await handler(request)
        finally:
            in_progress -= 1

    async def upstream_session(app: web.Application) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(limit=UPSTREAM_SLOTS)
        async with aiohttp.ClientSession(upstream_url, connector=connector) as session:
            app[UPSTREAM] = session
            yield

    async def price(request: web.Request) -> web.Response:
        async with slots, request.app[UPSTREAM].get(f"/items/{request.match_info['id']}") as got:
            if got.status != 200:
                return web.json_response({"error": f"upstream {got.status}"}, status=502)
            item = await got.json()
        return web.json_response({"id": item["id"], "price": item["price"]})

    async def ping(request: web.Request) -> web.Response:
        return web.json_response({"pong": True})

    app = web.Application(middlewares=[shed_load])
    app.cleanup_ctx.append(upstream_session)
    app.router.add_get("/price/{id}", price)
    app.router.add_get("/ping", ping)
    return app


async def serve(upstream_url: str) -> None:
    runner = web.AppRunner(create_app(upstream_url), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    host, port = runner.addresses[0][:2]
    print(f"serving on http://{host}:{port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.service", description=__doc__)
    parser.add_argument("--upstream", required=True, help="the mock server's base URL")
    asyncio.run(serve(parser.parse_args().upstream))


if __name__ == "__main__":
    main()
