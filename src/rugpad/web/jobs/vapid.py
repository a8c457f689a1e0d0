"""`python -m rugpad.web.jobs.vapid`: prints a new VAPID key pair as the two environment lines that switch Web Push on
(add RUGPAD_VAPID_SUBJECT, e.g. mailto:praktijk@example.nl). Keep the private key secret; changing the pair makes
every phone subscribe again."""

from __future__ import annotations


def new_key_pair() -> tuple[str, str]:
    """(public, private), both base64url as the browser and pywebpush read them."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from py_vapid import Vapid  # type: ignore[import-untyped]
    from py_vapid.utils import b64urlencode  # type: ignore[import-untyped]

    vapid = Vapid()
    vapid.generate_keys()
    private = b64urlencode(vapid.private_key.private_numbers().private_value.to_bytes(32, "big"))
    public = b64urlencode(vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
    return public, private


if __name__ == "__main__":  # pragma: no cover - a one-off helper
    public, private = new_key_pair()
    print(f"RUGPAD_VAPID_PUBLIC_KEY={public}")
    print(f"RUGPAD_VAPID_PRIVATE_KEY={private}")
