#!/usr/bin/env python3
"""One signed request to arca-coordinator (docs/API.md, "Authentication"), for e2e tests that
need a route the arca CLI does not offer (an owner registering a dataset without nodes).

Usage: coordinator_call.py HOST:PORT CERT SIGNER KEY METHOD TARGET [BODY]

KEY is the signer's 32-byte Ed25519 seed (as `arca keygen` writes it). The connection is
accepted only if the coordinator presents exactly CERT (SHA-256 of the DER), as the C++ client
pins it. Prints the answer's body; exits 0 on 2xx, 1 otherwise.
"""
import base64
import datetime
import hashlib
import http.client
import secrets
import ssl
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def main():
    address, cert_path, signer, key_path, method, target = sys.argv[1:7]
    body = sys.argv[7].encode() if len(sys.argv) > 7 else b""
    host, port = address.rsplit(":", 1)
    key = Ed25519PrivateKey.from_private_bytes(open(key_path, "rb").read())
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    nonce = secrets.token_hex(16)
    signed = "\n".join(["arca-coordinator-request-v1", method, target, now, nonce,
                        hashlib.sha256(body).hexdigest()])
    headers = {"Arca-Party": signer, "Arca-Time": now, "Arca-Nonce": nonce,
               "Arca-Signature": base64.b64encode(key.sign(signed.encode())).decode(),
               "Content-Type": "application/json"}

    pinned = hashlib.sha256(ssl.PEM_cert_to_DER_cert(open(cert_path).read())).digest()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # pinned below instead
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=30)
    connection.connect()
    if hashlib.sha256(connection.sock.getpeercert(binary_form=True)).digest() != pinned:
        sys.exit("the coordinator presented another certificate")
    connection.request(method, target, body=body, headers=headers)
    response = connection.getresponse()
    print(response.read().decode())
    sys.exit(0 if 200 <= response.status < 300 else 1)


if __name__ == "__main__":
    main()
