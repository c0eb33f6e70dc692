"""Plain inputs of the document renderers (no reportlab, no Textual: cheap to build anywhere)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

KIND_TITLES = {"advance": "前払金保証書", "contract": "契約保証書"}


@dataclass(frozen=True)
class Issuer:
    """The surety company and the issuing branch."""

    company_name: str = "東日本建設業保証株式会社"
    branch_name: str = "神奈川支店"
    branch_phone: str = "045-662-8203"
    branch_hours: str = "土日祝日・年末年始除く 9:00~17:00"
    branch_email: str = "ka.mlal1@ejcs.co.jp"


@dataclass(frozen=True)
class NoticeData:
    """電子保証にかかる「認証キー」のお知らせ."""

    issue_date: date
    addressee: str  # contractor company name; the layout adds 「様」
    contractor_name: str  # 受注者名 (J.V.の場合代表者)
    product_name: str  # 商品(保証区分): "前払金保証" / "契約保証"
    contract_number: str  # "35072-00000M"
    auth_key: str  # "Z28YUE4J3Bux"
    # The guarantee's typed values by field key (domain.fields): the declared fields print from them
    # (工事名…); a REF field holds the row's name, a flag True/False.
    values: Mapping[str, object] = field(default_factory=dict)
    issuer: Issuer = field(default_factory=Issuer)


@dataclass(frozen=True)
class CertificateData:
    """前払金保証書 / 契約保証書, one version."""

    kind: str  # "advance" -> 前払金保証書, "contract" -> 契約保証書
    contract_number: str
    contractor_name: str  # 受注者
    version_kind: str  # "新規" / "訂正" / "変更" / "取消"
    version_no: int
    issued_at: datetime  # 発行日時
    # This version's typed values by field key (domain.fields): the declared fields print from them
    # (保証金額, 工事名, 保証開始日…), read as a guarantee of ``kind``; a REF field holds the row's name.
    values: Mapping[str, object] = field(default_factory=dict)
    issuer: Issuer = field(default_factory=Issuer)

    @property
    def title(self) -> str:
        """前払金保証書 / 契約保証書, suffixed （取消） for a cancellation."""
        try:
            base = KIND_TITLES[self.kind]
        except KeyError:
            raise ValueError(f"unknown certificate kind: {self.kind!r}") from None
        return base + ("（取消）" if self.is_cancelled else "")

    @property
    def is_cancelled(self) -> bool:
        return self.version_kind == "取消"
