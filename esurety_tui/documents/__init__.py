"""PDF documents: the 認証キー notice and the 保証書 certificate.

Importing this package is cheap: reportlab is loaded only on the first render (or font query).
The renderers take plain dataclasses; nothing here imports Textual, the store or the services.
"""

from __future__ import annotations

from .data import CertificateData, Issuer, NoticeData
from .fonts import FontFallbackWarning, configure_font, font_info, font_is_embedded, font_name
from .output import certificate_filename, notice_filename, write_atomic

__all__ = [
    "CertificateData",
    "FontFallbackWarning",
    "Issuer",
    "NoticeData",
    "certificate_filename",
    "configure_font",
    "font_info",
    "font_is_embedded",
    "font_name",
    "notice_filename",
    "render_certificate",
    "render_notice",
    "write_atomic",
]


def render_notice(data: NoticeData) -> bytes:
    """電子保証にかかる「認証キー」のお知らせ as PDF bytes (one A4 page)."""
    from .notice import render_notice as render

    return render(data)


def render_certificate(data: CertificateData) -> bytes:
    """前払金保証書 / 契約保証書 (one version) as PDF bytes (one A4 page)."""
    from .certificate import render_certificate as render

    return render(data)
