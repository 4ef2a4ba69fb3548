"""The SSRF guard: a subscriber URL must be http(s) and reach only public addresses, unless
private ones are allowed (MDM_WEBHOOK_ALLOW_PRIVATE=true, for development and tests). Checked
when a webhook is created and again before each delivery (a name may be re-pointed)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from mdm_hub.errors import InvalidInput, Problem

MAX_URL_LENGTH = 2000


def _refused(why: str) -> InvalidInput:
    return InvalidInput([Problem("url", why)])


async def check_url(url: str, allow_private: bool) -> None:
    """Raise InvalidInput (field `url`) unless `url` may be posted to."""
    if len(url) > MAX_URL_LENGTH:
        raise _refused(f"longer than {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(f"{url[:200]!r} is not an http(s) URL with a host")
    if parts.username or parts.password:
        raise _refused("credentials in the URL are refused; the payload is signed instead")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise _refused(f"bad port: {exc}") from None
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except socket.gaierror as exc:
        raise _refused(f"host {parts.hostname!r} does not resolve: {exc}") from None
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global or ip.is_multicast:
            raise _refused(
                f"host {parts.hostname!r} is {ip}, a loopback, private or reserved address: "
                "refused (MDM_WEBHOOK_ALLOW_PRIVATE=true allows it, for development)"
            )
