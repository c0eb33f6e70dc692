"""Japanese font for the PDFs: an embeddable TrueType font if one is found, else a CID font.

Resolution happens once per process (thread-safe) and is cached. Order:

1. ``ESURETY_PDF_FONT`` (environment), 2. the path given to :func:`configure_font` (config),
3. known system locations of IPAex/IPA Gothic — unless ``ESURETY_PDF_FONT_SEARCH=0`` or
   ``configure_font(..., search_system=False)``.

The TrueType font is registered with reportlab as a ``TTFont``, which embeds a subset of the
glyphs used. Without one, the built-in CID font ``HeiseiKakuGo-W5`` is used: nothing is embedded
and the reader must supply a Japanese font, so a single warning is emitted per process.
reportlab is imported only when a font is first needed.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

ENV_FONT = "ESURETY_PDF_FONT"
ENV_SEARCH = "ESURETY_PDF_FONT_SEARCH"
TTF_NAME = "ESuretyGothic"
CID_FALLBACK = "HeiseiKakuGo-W5"


class FontFallbackWarning(UserWarning):
    """The PDF does not embed a Japanese font."""


@dataclass(frozen=True)
class FontInfo:
    name: str                # reportlab font name to use with setFont / ParagraphStyle
    embedded: bool           # True for a subset-embedded TrueType font
    path: Path | None        # the TrueType file, when embedded
    skipped: tuple[str, ...] = ()  # why candidate files were not used


_lock = threading.RLock()
_info: FontInfo | None = None
_configured: Path | None = None
_search_system = True
_warned = False


def _home(*parts: str) -> Path:
    return Path.home().joinpath(*parts)


def system_candidates() -> list[Path]:
    """Known places of IPAex Gothic / IPA Gothic TrueType files, most preferred first."""
    names = ("ipaexg.ttf", "ipag.ttf")
    paths = [
        Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),  # Debian/Ubuntu
        Path("/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"),
        Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),  # Debian alternatives link
        Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
        Path("/usr/share/fonts/truetype/ipafont-gothic/ipag.ttf"),
        Path("/usr/share/fonts/ipa-ex-gothic/ipaexg.ttf"),  # Fedora
        Path("/usr/share/fonts/ipa-gothic/ipag.ttf"),
        Path("/usr/share/fonts/TTF/ipaexg.ttf"),  # Arch
        Path("/usr/share/fonts/OTF/ipaexg.ttf"),
        Path("/usr/local/share/fonts/ipaexg.ttf"),
    ]
    dirs = [_home(".local", "share", "fonts"), _home(".fonts")]
    if sys.platform == "darwin":
        dirs += [_home("Library", "Fonts"), Path("/Library/Fonts")]
    elif os.name == "nt":
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local, "Microsoft", "Windows", "Fonts"))
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows"), "Fonts"))
    paths += [d / n for n in names for d in dirs]
    return paths


def _search_enabled() -> bool:
    env = os.environ.get(ENV_SEARCH, "").strip().lower()
    return _search_system and env not in ("0", "false", "no", "off")


def _try_ttf(path: Path) -> str | None:
    """Register ``path`` as TTF_NAME; return the reason when it cannot be used."""
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as e:
        return f"{path}: {e.strerror or e}"
    if magic == b"OTTO":
        return f"{path}: CFF (PostScript) outlines cannot be embedded by reportlab; use a TrueType .ttf"
    if magic in (b"wOFF", b"wOF2"):
        return f"{path}: WOFF web fonts are not supported"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:  # a .ttc collection is read at subfont 0; CFF members fail here too
        pdfmetrics.registerFont(TTFont(TTF_NAME, str(path), subfontIndex=0))
    except (TTFError, OSError, ValueError, KeyError, IndexError) as e:
        return f"{path}: {e}"
    return None


def _resolve() -> FontInfo:
    skipped: list[str] = []
    candidates: list[Path] = []
    env = os.environ.get(ENV_FONT, "").strip()
    if env:
        candidates.append(Path(env).expanduser())
    if _configured is not None:
        candidates.append(_configured)
    if _search_enabled():
        candidates += [p for p in system_candidates() if p.exists()]
    seen: set[Path] = set()
    for path in candidates:
        if path in seen:
            continue
        seen.add(path)
        reason = _try_ttf(path)
        if reason is None:
            return FontInfo(TTF_NAME, True, path, tuple(skipped))
        skipped.append(reason)

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return FontInfo(CID_FALLBACK, False, None, tuple(skipped))


def _warn(info: FontInfo) -> None:
    global _warned
    if _warned:
        return
    _warned = True
    detail = "".join(f"\n  - {s}" for s in info.skipped)
    warnings.warn(
        "日本語TrueTypeフォントが見つからないため、PDFにフォントを埋め込まず、"
        f"閲覧ソフト側の日本語フォント（{CID_FALLBACK}）に頼ります。"
        "IPAexゴシックをインストールする（Debian/Ubuntu: sudo apt install fonts-ipaexfont-gothic）か、"
        f"環境変数 {ENV_FONT} に ipaexg.ttf などの TrueType フォントのパスを設定してください。" + detail,
        FontFallbackWarning,
        stacklevel=3,
    )


def font_info() -> FontInfo:
    """The resolved font (resolving and registering it on first use)."""
    global _info
    info = _info
    if info is None:
        with _lock:
            if _info is None:
                _info = _resolve()
                if not _info.embedded:
                    _warn(_info)
            info = _info
    return info


def font_name() -> str:
    return font_info().name


def font_is_embedded() -> bool:
    return font_info().embedded


def configure_font(path: str | os.PathLike[str] | None, *, search_system: bool = True) -> None:
    """Font path from the configuration (ESURETY_PDF_FONT still takes precedence).

    Takes effect at the next render; ``search_system=False`` disables the system search.
    """
    global _configured, _search_system, _info
    new = Path(path).expanduser() if path else None
    with _lock:
        if (new, search_system) != (_configured, _search_system):
            _configured, _search_system, _info = new, search_system, None


def reset_for_tests() -> None:
    """Forget the resolution, the configuration and the warned-once flag."""
    global _configured, _search_system, _info, _warned
    with _lock:
        _configured, _search_system, _info, _warned = None, True, None, False
