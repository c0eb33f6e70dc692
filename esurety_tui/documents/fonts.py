"""Fonts for the PDFs: an embeddable Japanese TrueType font if one is found, else a CID font;
and the font of the 認証キー, which is always an embedded TrueType font when one exists.

Resolution happens once per process (thread-safe) and is cached. Order of the Japanese font:

1. ``ESURETY_PDF_FONT`` (environment), 2. the path given to :func:`configure_font`,
3. ``pdf_font`` in the config file (``esurety_tui.settings``; a relative path is
   taken from the config folder), 4. known system locations of IPAex/IPA Gothic — unless
   ``ESURETY_PDF_FONT_SEARCH=0`` or ``configure_font(..., search_system=False)``.

The TrueType font is registered with reportlab as a ``TTFont``, once per process, which embeds a
subset of the glyphs used. Codes are packed (``asciiReadable=False``): a notice's ~220 different
characters fit one subset of 256, where reportlab's default keeps 96 codes for ASCII and spills into
a second subset (each subset is a font program built and compressed per document). Without a
TrueType font, the built-in CID font ``HeiseiKakuGo-W5`` is used: nothing is embedded and the reader
must supply a Japanese font, so a single warning is emitted per process.

The 認証キー is drawn in the same TrueType font (its Latin letters and digits, drawn bold with a
stroke), so that a notice embeds one font subset; a second font (a monospace face, tried until
issue 11) cost a second subset program, about 1.5 ms and 17 KB per notice. The key alphabet has no
look-alikes (no 0/O/o, 1/l/I/i), so any clear face will do. Only when nothing can be embedded at all
(the CID fallback) is it the base-14 Courier-Bold, which every reader has with the right widths.
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
KEY_BASE14 = "Courier-Bold"  # the key's font only when no TrueType font at all can be embedded
CONFIG_KEY = "pdf_font"


class FontFallbackWarning(UserWarning):
    """The PDF does not embed a Japanese font."""


@dataclass(frozen=True)
class FontInfo:
    name: str  # reportlab font name to use with setFont / ParagraphStyle
    embedded: bool  # True for a subset-embedded TrueType font
    path: Path | None  # the TrueType file, when embedded
    skipped: tuple[str, ...] = ()  # why candidate files were not used
    bold: bool = False  # the face is bold already (else draw it with a stroke to embolden)


_lock = threading.RLock()
_info: FontInfo | None = None
_key_info: FontInfo | None = None
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


def _config_font() -> tuple[Path | None, str | None]:
    """``pdf_font`` of the config file: (path, None), (None, why it is unusable) or (None, None)."""
    try:
        from ..settings import current  # no Textual, no store: cheap, and only when a font is resolved

        return current().pdf_font, None
    except Exception as e:
        return None, f"config {CONFIG_KEY}: {e}"


def _search_enabled() -> bool:
    env = os.environ.get(ENV_SEARCH, "").strip().lower()
    return _search_system and env not in ("0", "false", "no", "off")


def _try_ttf(path: Path, name: str = TTF_NAME) -> str | None:
    """Register ``path`` as ``name``; return the reason when it cannot be used."""
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
        pdfmetrics.registerFont(
            TTFont(name, str(path), subfontIndex=0, asciiReadable=False)
        )  # packed codes: one subset
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
    configured, problem = _config_font()
    if configured is not None:
        candidates.append(configured)
    if problem:
        skipped.append(problem)
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


def _resolve_key() -> FontInfo:
    main = font_info()
    if main.embedded:
        return FontInfo(main.name, True, main.path, main.skipped, bold=False)
    # Nothing can be embedded: a base-14 face, which every reader has with the right widths
    # (a substitute for the CID font would space the key unevenly).
    return FontInfo(KEY_BASE14, False, None, main.skipped, bold=True)


def key_font_info() -> FontInfo:
    """The font of the 認証キー: the Japanese TrueType font (drawn bold), else (nothing
    embeddable) Courier-Bold."""
    global _key_info
    info = _key_info
    if info is None:
        with _lock:
            if _key_info is None:
                _key_info = _resolve_key()
            info = _key_info
    return info


def font_is_embedded() -> bool:
    return font_info().embedded


def configure_font(path: str | os.PathLike[str] | None, *, search_system: bool = True) -> None:
    """Font path from the configuration (ESURETY_PDF_FONT still takes precedence).

    Takes effect at the next render; ``search_system=False`` disables the system search. The config file's ``pdf_font`` is read when the font is resolved.
    """
    global _configured, _search_system, _info, _key_info
    new = Path(path).expanduser() if path else None
    with _lock:
        if (new, search_system) != (_configured, _search_system):
            _configured, _search_system, _info, _key_info = new, search_system, None, None


def reset_for_tests() -> None:
    """Forget the resolution, the configuration and the warned-once flag."""
    global _configured, _search_system, _info, _key_info, _warned
    with _lock:
        _configured, _search_system, _info, _key_info, _warned = None, True, None, None, False
