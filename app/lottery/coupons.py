"""Coupon codes: printed on paper coupons, unguessable without the server's secret."""

import base64
import hashlib
import hmac


def coupon_code(secret: bytes, campaign_id: int, tile_no: int) -> str:
    """Return the code for one coupon, e.g. 'KJ7Q-M2XD-4PLA-ZR5C'."""
    message = f"kuji.coupon.{campaign_id:d}.{tile_no:d}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    text = base64.b32encode(digest[:10]).decode()  # 80 bits, 16 characters
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def check_code(secret: bytes, campaign_id: int, tile_no: int, code: str) -> bool:
    """Tell whether `code` is the genuine code of this coupon (case and dashes ignored)."""
    given = code.replace("-", "").replace(" ", "").upper()
    expected = coupon_code(secret, campaign_id, tile_no).replace("-", "")
    return hmac.compare_digest(given, expected)
