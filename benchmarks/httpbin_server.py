"""Serve httpbin the way pytest-httpbin does, until killed; print its URL first.

Run with the Python of an environment that has pytest-httpbin (`make bench` makes
.venv-httpbin): its dependencies clash with the course's own (greenlet), so it lives apart.
"""

import time

import httpbin
from pytest_httpbin.serve import Server

server = Server(application=httpbin.app)
server.start()
print(server.url, flush=True)
while True:
    time.sleep(3600)
