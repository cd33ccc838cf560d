"""Loaded by every Python process the test suite starts (kernels, graders, scripts, JupyterLab):
outbound connections to anything but this machine fail, so a test that passes proves the course
works offline. The suite puts this folder on PYTHONPATH (see the root conftest.py)."""

import ipaddress
import socket

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket path
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: connect() would resolve it, so it is not local
        return False


def _refuse(address) -> OSError:
    import errno

    return OSError(errno.ENETUNREACH, f"offline test run: no connection to {address!r} allowed")


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
        raise _refuse(address)
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
        raise _refuse(address)
    return _connect_ex(self, address)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
