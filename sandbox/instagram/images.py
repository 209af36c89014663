"""What the sandbox Instagram does with an `image_url`: download it like Instagram's cURL does,
and check what the real API checks for feed images (PLATFORMS.md §1.3-1.4): JPEG only (by
Content-Type and by the bytes), at most 8 MiB, aspect ratio between 4:5 and 1.91:1.

Each refusal is the (code, subcode, message) the Graph API answers with.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import requests

MAX_BYTES = 8 * 1024 * 1024
MIN_RATIO, MAX_RATIO = 4 / 5, 1.91
FETCH_TIMEOUT = (5, 15)
# Start-of-frame markers carry the dimensions (all SOFn but DHT C4, JPG C8 and DAC CC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class ImageRefused(Exception):
    def __init__(self, code: int, subcode: int, message: str):
        super().__init__(message)
        self.code, self.subcode, self.message = code, subcode, message


@dataclass(frozen=True)
class Image:
    mime: str
    size_bytes: int
    width: int
    height: int


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the first start-of-frame segment, or None if this is not a JPEG
    whose header can be read."""
    if not data.startswith(b"\xff\xd8\xff"):
        return None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # segments without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return (width, height) if width and height else None
        if marker == 0xDA:  # start of scan before any frame header
            return None
        at += 2 + length
    return None


def fetch(url: str) -> Image:
    """Download and inspect; raises ImageRefused with the platform's error."""
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT, stream=True)
    except requests.Timeout:
        raise ImageRefused(-2, 2207003, "It takes too long to download the media.") from None
    except requests.RequestException:
        raise ImageRefused(
            9004, 2207052,
            "Media download has failed. The media URI doesn't meet our requirements.",
        ) from None  # fmt: skip
    with response:
        if response.status_code != 200:
            raise ImageRefused(
                9004, 2207052,
                "Media download has failed. The media URI doesn't meet our requirements.",
            )  # fmt: skip
        data = bytearray()
        for chunk in response.iter_content(64 * 1024):
            data.extend(chunk)
            if len(data) > MAX_BYTES:
                raise ImageRefused(36000, 2207004, "The image size is too large.")
        mime = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    size = jpeg_size(bytes(data))
    if mime not in ("image/jpeg", "image/jpg") or size is None:
        raise ImageRefused(
            36001, 2207005, "The image format is not supported. Only JPEG images are supported."
        )
    width, height = size
    if not MIN_RATIO <= width / height <= MAX_RATIO:
        raise ImageRefused(
            36003, 2207009,
            f"The submitted image with aspect ratio ('{width}/{height}') cannot be published. "
            "Please submit an image with a valid aspect ratio.",
        )  # fmt: skip
    return Image(mime=mime, size_bytes=len(data), width=width, height=height)
