"""ICC profiles built byte by byte for the colour-management tests (no profile files needed).

`rgb_profile(primaries, gamma)` writes a minimal ICC v2 matrix/TRC display profile: a header,
a tag table, `desc`, `cprt`, `wtpt`, the three colourant tags and three gamma curves. With the
red and green primaries of sRGB swapped, a pixel stored as pure red *means* sRGB green, which
makes a conversion easy to see.
"""

from __future__ import annotations

import struct

D50 = (0.9642, 1.0, 0.8249)
# sRGB's primaries adapted to D50, as ICC profiles store them (columns of the RGB->XYZ matrix)
SRGB_PRIMARIES = {
    "r": (0.4361, 0.2225, 0.0139),
    "g": (0.3851, 0.7169, 0.0971),
    "b": (0.1431, 0.0606, 0.7141),
}
SWAPPED_RED_GREEN = {"r": SRGB_PRIMARIES["g"], "g": SRGB_PRIMARIES["r"], "b": SRGB_PRIMARIES["b"]}


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(xyz: tuple[float, float, float]) -> bytes:
    return b"XYZ " + b"\0" * 4 + b"".join(_s15(v) for v in xyz)


def _curve(gamma: float) -> bytes:
    return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"


def _description(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return (b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_text)) + ascii_text
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67)  # fmt: skip


def rgb_profile(primaries: dict = SWAPPED_RED_GREEN, gamma: float = 2.2,
                name: str = "Test RGB (red and green swapped)") -> bytes:  # fmt: skip
    tags = [
        (b"desc", _description(name)),
        (b"cprt", b"text" + b"\0" * 4 + b"No copyright, test data\0"),
        (b"wtpt", _xyz(D50)),
        (b"rXYZ", _xyz(primaries["r"])),
        (b"gXYZ", _xyz(primaries["g"])),
        (b"bXYZ", _xyz(primaries["b"])),
        (b"rTRC", _curve(gamma)),
        (b"gTRC", _curve(gamma)),
        (b"bTRC", _curve(gamma)),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, payload in tags:
        payload += b"\0" * (-len(payload) % 4)  # tags start on 4-byte boundaries
        table += signature + struct.pack(">II", offset + len(data), len(payload))
        data += payload
    size = offset + len(data)
    header = (
        struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000)
        + b"mntr" + b"RGB " + b"XYZ " + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp" + b"\0" * 4 + b"\0" * 4 + b"\0" * 4 + b"\0" * 4 + b"\0" * 8
        + struct.pack(">I", 0) + b"".join(_s15(v) for v in D50) + b"\0" * 4 + b"\0" * 16
        + b"\0" * 28
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data
