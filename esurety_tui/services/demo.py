"""Demo data: the seed's case plus varied cases, a second company, and synthetic bulk contracts.

Everything goes through the real services (the form's rules validate every demo application).
"""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, timedelta

from ..domain.auth_key import ALPHABET, LENGTH
from ..domain.contract_number import make_contract_number
from ..domain.fields import DEFAULTS
from ..domain.text import search_key
from ..store import queries, search
from ..store.db import database, transaction
from ..store.models import Application, Branch, CertificateVersion, Company, Guarantee, Orderer, User
from . import applications, auth, dsure, issuing
from .authz import requires
from .session import Role, Session

SEED_KEY = "Z28YUE4J3Bux"  # the seed's example key for 35072-00000M
LOGINS = (
    ("demo", "demo", "〇〇建設 株式会社"),
    ("demo2", "demo2", "△△工業 株式会社"),
    ("branch", "branch", "神奈川支店"),
    ("branch2", "branch2", "東京支店"),
)

ORDERERS = (
    ("川崎市長", True, ""),
    ("横浜市長", True, ""),
    ("神奈川県知事", True, '{"rounding_unit": 10000}'),
    ("相模原市長", False, ""),
    ("藤沢市長", True, ""),
)
# Addresses for 発注者へ提出 (set where the 発注者 master has the column). Never a real domain.
ORDERER_EMAILS = {
    "川崎市長": "keiyaku@city.kawasaki.example.jp",
    "横浜市長": "keiyaku@city.yokohama.example.jp",
    "神奈川県知事": "keiyaku@pref.kanagawa.example.jp",
    "藤沢市長": "keiyaku@city.fujisawa.example.jp",
}
BRANCHES = (
    ("神奈川支店", "350", "045-662-8203", "ka.mlal1@ejcs.co.jp"),
    ("東京支店", "310", "03-3000-0000", "tokyo@example.invalid"),
)


# 工事場所 where an application does not say: the orderer's own city (横浜市長's works are in 横浜市).
PLACES = {
    "川崎市長": "神奈川県川崎市",
    "横浜市長": "神奈川県横浜市",
    "神奈川県知事": "神奈川県",
    "相模原市長": "神奈川県相模原市",
    "藤沢市長": "神奈川県藤沢市",
}


@requires(Role.SYSTEM)
def is_empty(session: Session) -> bool:
    return Company.select().count() == 0


def _raw(orderer: Orderer, branch: Branch, **over: str) -> dict[str, str]:
    raw = dict(DEFAULTS)
    raw.update(
        orderer_id=str(orderer.id),
        branch_id=str(branch.id),
        work_place=PLACES.get(orderer.name, "神奈川県"),
        contract_date="20230401",
        start_date="20230403",
        end_date="20240329",
        award_date="20230320",
        bid_rounds="1",
        bidders="5",
        disqualified="0",
        email="soumu@example.jp",  # demo mail never goes to a real domain
        send_name="〇〇建設 株式会社",
        send_zip="231-8463",
        send_address="神奈川県 横浜市 中区 尾上町 1-6",
        send_building="I CON 関内ビル 2階",
        receive_month="4",
        receive_day="10",
    )
    raw.update(over)
    return raw


def _spread_dates(refused: int, waiting: int, draft: int, more: dict | None = None) -> None:
    """Dates as a real history has them (申込一覧's 更新日時), not the moment the demo was loaded:
    sent three days before the guarantee was issued; the refusal, the sent one and the draft recent."""
    explicit = {
        refused: (datetime(2026, 8, 26, 14, 5), datetime(2026, 8, 28, 11, 0)),
        waiting: (datetime(2026, 10, 21, 15, 20), None),
        **(more or {}),
    }
    with transaction():
        for a in Application.select():
            if a.id == draft:
                a.created_at, a.updated_at = datetime(2026, 11, 19, 17, 30), datetime(2026, 11, 20, 9, 40)
            elif a.id in explicit:
                sent, decided = explicit[a.id]
                a.created_at, a.submitted_at = sent - timedelta(hours=2), sent
                a.updated_at = decided or sent
                if decided:
                    a.decided_at = decided
            elif a.decided_at is not None and a.status == "発行済":
                sent = a.decided_at - timedelta(days=3)
                a.created_at, a.submitted_at, a.updated_at = sent - timedelta(hours=2), sent, a.decided_at
            else:
                continue
            a.save()


def _apply(user: Session, raw: dict[str, str]) -> int:
    app_id = applications.new_draft(user)
    applications.save_draft(user, app_id, raw)
    applications.submit(user, app_id, raw)
    return app_id


@requires(Role.SYSTEM)
def load(session: Session, rng: random.Random | None = None) -> None:
    """Load the demo set into an empty database. ``rng`` fixes generated keys (tests, snapshots)."""
    with transaction():
        orderers = {name: issuing.ensure_orderer(session, name, acc, terms) for name, acc, terms in ORDERERS}
        branches = {
            name: Branch.create(
                name=name, code=code, phone=phone, email=email, hours="土日祝日・年末年始除く 9:00~17:00"
            )
            for name, code, phone, email in BRANCHES
        }
        if "email" in Orderer._meta.fields:  # the 発注者 master's address for submissions
            for name, address in ORDERER_EMAILS.items():
                Orderer.update(email=address).where(Orderer.name == name).execute()
        sessions = {}
        for login, password, owner in LOGINS:
            if owner in branches:
                user = User.create(login=login, password_hash=auth.hash_password(password), branch=branches[owner])
            else:
                company = Company.create(name=owner)
                user = User.create(login=login, password_hash=auth.hash_password(password), company=company)
            sessions[login] = auth.session_for(user)
    demo, demo2, branch, branch2 = sessions["demo"], sessions["demo2"], sessions["branch"], sessions["branch2"]
    kanagawa, tokyo = branches["神奈川支店"], branches["東京支店"]
    kawasaki, yokohama, pref = orderers["川崎市長"], orderers["横浜市長"], orderers["神奈川県知事"]
    sagamihara, fujisawa = orderers["相模原市長"], orderers["藤沢市長"]

    def issue(app_id: int, at: datetime, **kw) -> list[str]:
        issuing.accept(branch, app_id)
        return issuing.issue(branch, app_id, at=at, rng=rng, **kw)

    # 1. The seed's case: 川崎市長, 35072-00000M issued 2023/04/03 13:00, with a 契約保証 of 5,000,000円.
    seed = _apply(
        demo,
        _raw(
            kawasaki,
            kanagawa,
            work_name="河川維持（〇〇）工事",
            contract_amount="50,000,000",
            advance_amount="20,000,000",
            deposit_bank="〇〇銀行 ××支店",
            contract_apply="1",
            contract_guarantee_amount="5,000,000",
            planned_advance="20,000,000",
        ),
    )
    issue(seed, datetime(2023, 4, 3, 13, 0), numbers={"advance": "35072-00000M"}, keys={"advance": SEED_KEY})

    # 2. 横浜市長 with a 変更 (amount raised after a contract change).
    a = _apply(
        demo,
        _raw(
            yokohama,
            kanagawa,
            work_name="市道鶴見第12号線道路改良工事",
            contract_amount="80,000,000",
            advance_amount="32,000,000",
            deposit_bank="横浜信用金庫 鶴見支店",
            contract_date="20230601",
            start_date="20230605",
            end_date="20240315",
            award_date="20230525",
            work_place="横浜市鶴見区",
        ),
    )
    (num,) = issue(a, datetime(2023, 6, 7, 10, 30))
    issuing.amend(
        branch,
        num,
        "変更",
        at=datetime(2023, 11, 20, 15, 0),
        guarantee_amount=36_000_000,
        contract_amount=90_000_000,
        note="請負契約の変更（増額）",
    )

    # 3. A JV for 神奈川県知事 (1万円 rounding).
    a = _apply(
        demo,
        _raw(
            pref,
            kanagawa,
            work_name="相模川河川改修（その3）工事",
            contract_amount="120,000,000",
            advance_amount="48,000,000",
            deposit_bank="〇〇銀行 厚木支店",
            jv_kind="jv",
            jv_name="〇〇・□□特定建設工事共同企業体",
            jv_representative="〇〇建設 株式会社",
            contract_apply="1",
            contract_guarantee_amount="12,000,000",
            work_place="神奈川県厚木市",
            contract_date="20240401",
            start_date="20240405",
            end_date="20250328",
            award_date="20240322",
        ),
    )
    issue(a, datetime(2024, 4, 8, 9, 15))

    # 4. 相模原市長 does not accept 電子保証: paper certificates.
    a = _apply(
        demo,
        _raw(
            sagamihara,
            kanagawa,
            work_name="相模原駅前広場整備工事",
            contract_amount="30,000,000",
            advance_amount="12,000,000",
            deposit_bank="〇〇銀行 相模原支店",
            advance_form="paper",
            work_place="相模原市中央区",
            contract_date="20240701",
            start_date="20240701",
            end_date="20250131",
            award_date="20240620",
        ),
    )
    issue(a, datetime(2024, 7, 3, 11, 0))

    # 5. 業務委託 (3/10) for 藤沢市長.
    a = _apply(
        demo,
        _raw(
            fujisawa,
            kanagawa,
            work_name="境川河川測量設計業務委託",
            work_kind="service",
            contract_amount="15,000,000",
            advance_amount="4,500,000",
            deposit_bank="〇〇銀行 藤沢支店",
            work_place="藤沢市",
            contract_date="20250501",
            start_date="20250502",
            end_date="20251219",
            award_date="20250421",
        ),
    )
    issue(a, datetime(2025, 5, 8, 14, 20))

    # 6. A 訂正 (the corrected row disappears from the history).
    a = _apply(
        demo,
        _raw(
            kawasaki,
            kanagawa,
            work_name="等々力緑地管理棟改修工事",
            contract_amount="42,000,000",
            advance_amount="16,800,000",
            deposit_bank="〇〇銀行 武蔵小杉支店",
            contract_date="20250601",
            start_date="20250602",
            end_date="20260227",
            award_date="20250520",
        ),
    )
    (num,) = issue(a, datetime(2025, 6, 4, 9, 0))
    issuing.amend(
        branch,
        num,
        "訂正",
        at=datetime(2025, 6, 4, 16, 45),
        deposit_bank="〇〇銀行 新丸子支店",
        note="預託金融機関の誤りを訂正",
    )

    # 7. A cancelled guarantee (取消).
    a = _apply(
        demo,
        _raw(
            yokohama,
            kanagawa,
            work_name="港北ニュータウン公園遊具更新工事",
            contract_amount="9,800,000",
            advance_amount="3,920,000",
            deposit_bank="〇〇銀行 センター南支店",
            contract_date="20250801",
            start_date="20250801",
            end_date="20251128",
            award_date="20250725",
        ),
    )
    (num,) = issue(a, datetime(2025, 8, 5, 10, 0))
    issuing.amend(branch, num, "取消", at=datetime(2025, 9, 1, 10, 0), note="請負契約の解除")

    # 8-9. Two more issued, recent.
    for name, amount, adv, at in (
        ("二ヶ領用水護岸補修工事", "26,000,000", "10,400,000", datetime(2026, 4, 10, 13, 30)),
        ("川崎港臨港道路舗装工事", "64,000,000", "25,600,000", datetime(2026, 5, 12, 15, 10)),
    ):
        a = _apply(
            demo,
            _raw(
                kawasaki,
                kanagawa,
                work_name=name,
                contract_amount=amount,
                advance_amount=adv,
                deposit_bank="〇〇銀行 ××支店",
                contract_date="20260401",
                start_date="20260406",
                end_date="20270226",
                award_date="20260325",
            ),
        )
        issue(a, at)

    # 10. Refused (謝絶).
    a = _apply(
        demo,
        _raw(
            fujisawa,
            kanagawa,
            work_name="辻堂海浜公園トイレ改築工事",
            contract_amount="18,000,000",
            advance_amount="7,200,000",
            deposit_bank="〇〇銀行 藤沢支店",
            contract_date="20260901",
            start_date="20260901",
            end_date="20270129",
            award_date="20260825",
        ),
    )
    issuing.refuse(branch, a, "財務内容の確認資料が不足しているため、今回はお引受けできません。")
    refused = a

    # 11. Sent, waiting for review.
    waiting = _apply(
        demo,
        _raw(
            kawasaki,
            kanagawa,
            work_name="多摩川河川敷運動施設整備工事",
            contract_amount="35,000,000",
            advance_amount="14,000,000",
            deposit_bank="〇〇銀行 ××支店",
            contract_date="20261101",
            start_date="20261104",
            end_date="20270326",
            award_date="20261020",
        ),
    )

    # 11b. Accepted (引受), waiting for 発行.
    accepted = a = _apply(
        demo,
        _raw(
            yokohama,
            kanagawa,
            work_name="新横浜駅前歩道橋補修工事",
            contract_amount="28,000,000",
            advance_amount="11,200,000",
            deposit_bank="横浜信用金庫 新横浜支店",
            contract_date="20261201",
            start_date="20261203",
            end_date="20270331",
            award_date="20261120",
            work_place="横浜市港北区",
        ),
    )
    issuing.accept(branch, a)

    # 12. A draft, half typed.
    draft = applications.new_draft(demo)
    applications.save_draft(
        demo,
        draft,
        {
            **DEFAULTS,
            "orderer_id": str(kawasaki.id),
            "work_name": "大師河原水門補修工事",
            "contract_amount": "22,000,000",
        },
    )

    # The second company: must never be seen by the first (one work name also holds 河川).
    for name, amount, adv, at, org in (
        ("鶴見川河川改修工事", "70,000,000", "28,000,000", datetime(2024, 5, 9, 10, 0), yokohama),
        ("県道横浜厚木線舗装工事", "45,000,000", "18,000,000", datetime(2025, 2, 3, 9, 30), pref),
    ):
        a = _apply(
            demo2,
            _raw(
                org,
                tokyo,
                work_name=name,
                contract_amount=amount,
                advance_amount=adv,
                deposit_bank="△△銀行 本店",
                send_name="△△工業 株式会社",
                contract_date="20240401",
                start_date="20240402",
                end_date="20250328",
                award_date="20240325",
            ),
        )
        issuing.accept(branch2, a)
        issuing.issue(branch2, a, at=at, rng=rng)

    # 東京支店's own queue: sent by the second company, waiting for review.
    tokyo_waiting = _apply(
        demo2,
        _raw(
            pref,
            tokyo,
            work_name="県道町田厚木線道路改良工事",
            contract_amount="52,000,000",
            advance_amount="20,800,000",
            deposit_bank="△△銀行 本店",
            send_name="△△工業 株式会社",
            contract_date="20261201",
            start_date="20261202",
            end_date="20270930",
            award_date="20261118",
            work_place="神奈川県相模原市",
        ),
    )
    _spread_dates(
        refused,
        waiting,
        draft,
        {
            accepted: (datetime(2026, 11, 2, 10, 10), datetime(2026, 11, 6, 16, 0)),
            tokyo_waiting: (datetime(2026, 11, 16, 11, 45), None),
        },
    )

    # The orderer has viewed the seed's certificate on D-Sure (閲覧履歴).
    dsure.view("35072-00000M", SEED_KEY, who="川崎市長（契約課）")


@requires(Role.SYSTEM)
def add_synthetic(
    session: Session, count: int, company_name: str = "〇〇建設 株式会社", rng: random.Random | None = None
) -> float:
    """Bulk synthetic contracts for benchmarks (insert_many in chunks); returns seconds taken."""
    import time

    started = time.perf_counter()
    pick = (rng or secrets.SystemRandom()).choice
    company = Company.get(Company.name == company_name)
    branch = Branch.select().order_by(Branch.id).first()
    orderers = list(Orderer.select().where(Orderer.accepts_electronic == True))
    words = ("河川", "道路", "橋梁", "公園", "下水道", "庁舎", "学校", "護岸", "舗装", "水門")
    prefix = f"{branch.code}90"
    serial = queries.next_serial(prefix, count)
    base = datetime(2020, 1, 1, 9, 0)
    chunk = 2000
    # The search index is rebuilt once at the end rather than row by row (several times faster).
    with database.atomic(), search.bulk_load(database.obj):
        for start in range(0, count, chunk):
            rows, n = [], min(chunk, count - start)
            for i in range(start, start + n):
                org = orderers[i % len(orderers)]
                work = f"{words[i % len(words)]}整備工事（第{i + 1}号）"
                number = make_contract_number(prefix, serial + i)
                amount = 10_000_000 + (i % 90) * 1_000_000
                rows.append(
                    dict(
                        number=number,
                        kind="advance",
                        company=company.id,
                        orderer=org.id,
                        branch=branch.id,
                        electronic=True,
                        auth_key="".join(pick(ALPHABET) for _ in range(LENGTH)),
                        work_name=work,
                        work_place="神奈川県",
                        contractor_name=company.name,
                        contract_amount=amount,
                        guarantee_amount=amount * 4 // 10,
                        deposit_bank="〇〇銀行 ××支店",
                        start_date=date(2020, 4, 1),
                        end_date=date(2021, 3, 31),
                        issued_at=base + timedelta(minutes=i),
                        search_text=search_key(f"{number} {org.name} {work}"),
                    )
                )
            Guarantee.insert_many(rows).execute()
            versions = Guarantee.select(
                Guarantee.id,
                Guarantee.work_name,
                Guarantee.guarantee_amount,
                Guarantee.contract_amount,
                Guarantee.issued_at,
            ).where(Guarantee.number.in_([r["number"] for r in rows]))
            CertificateVersion.insert_many(
                [
                    dict(
                        guarantee=g.id,
                        seq=1,
                        kind="新規",
                        issued_at=g.issued_at,
                        work_name=g.work_name,
                        guarantee_amount=g.guarantee_amount,
                        contract_amount=g.contract_amount,
                        start_date=date(2020, 4, 1),
                        end_date=date(2021, 3, 31),
                        deposit_bank="〇〇銀行 ××支店",
                    )
                    for g in versions
                ]
            ).execute()
    return time.perf_counter() - started
