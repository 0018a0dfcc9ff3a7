"""QR codes: the module matrix and a compact SVG (printable posters: ``.poster``)."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules of white border the QR standard asks for


def qr_matrix(data: str) -> list[list[bool]]:
    """Return the QR modules of ``data`` (True = dark), quiet zone included.

    Error correction Q (25 %): a poster on a counter gets scratched, taped and photographed at
    an angle; the URLs are short, so the code stays coarse enough to scan from a metre.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def qr_svg(data: str, *, module_px: int = 4) -> str:
    """Return an SVG document of the QR code of ``data``: one path, one run per dark stretch."""
    matrix = qr_matrix(data)
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{size * module_px}" height="{size * module_px}" viewBox="0 0 {size} {size}" '
        'shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
