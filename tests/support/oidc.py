"""A tiny OIDC issuer for tests: an RSA key, its JWKS served on 127.0.0.1, token minting."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://idp.test/realms/firm"
AUDIENCE = "mdm-hub"
KID = "test-key-1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Issuer:
    jwks_url: str
    private_key: rsa.RSAPrivateKey

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "jane@firm.example",
            "iat": now,
            "exp": now + 300,
            "roles": ["steward"],
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, key: rsa.RSAPrivateKey | None = None, **changes: Any) -> str:
        return jwt.encode(
            self.claims(**changes),
            key or self.private_key,
            algorithm="RS256",
            headers={"kid": KID},
        )

    def unsigned_token(self, alg: str, secret: bytes = b"", **changes: Any) -> str:
        """A token PyJWT would refuse to make: `alg: none`, or HMAC keyed with `secret`."""
        header = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": KID}).encode())
        payload = b64url(json.dumps(self.claims(**changes)).encode())
        signing_input = f"{header}.{payload}".encode()
        signature = (
            b64url(hmac.new(secret, signing_input, hashlib.sha256).digest()) if secret else ""
        )
        return f"{header}.{payload}.{signature}"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks_of(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    """The JWKS publishing `key`'s public half under KID."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}


@contextmanager
def serving_issuer() -> Iterator[Issuer]:
    key = new_rsa_key()
    document = json.dumps(jwks_of(key))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = document.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Issuer(f"http://127.0.0.1:{server.server_port}/jwks", key)
    finally:
        server.shutdown()
        server.server_close()
