"""The seed's complete application (川崎市, 河川維持工事) as the form holds it: one valid example that
the tests, the property tests and scripts/screenshots.py all start from (pure data, no I/O)."""

from __future__ import annotations


def valid_raw(**changes: str) -> dict[str, str]:
    """The seed's case as the form holds it (raw text); keyword arguments replace fields."""
    raw = {
        "orderer_id": "1",
        "work_name": "河川維持（〇〇）工事",
        "work_place": "川崎市川崎区地内",
        "work_kind": "construction",
        "contract_amount": "50,000,000",
        "contract_date": "20230401",
        "start_date": "20230403",
        "end_date": "20240329",
        "jv_kind": "single",
        "jv_name": "",
        "jv_representative": "",
        "planned_advance": "",
        "advance_apply": "1",
        "fiscal_year_amount": "",
        "advance_amount": "20,000,000",
        "deposit_bank": "〇〇銀行 ××支店",
        "redeposit": "no",
        "advance_fee_method": "lump",
        "intermediate": "",
        "intermediate_amount": "",
        "intermediate_claim": "",
        "advance_form": "electronic",
        "contract_apply": "1",
        "contract_guarantee_amount": "5,000,000",
        "low_bid": "",
        "contract_fee_method": "lump",
        "contract_form": "electronic",
        "order_kind": "general",
        "award_date": "20230320",
        "bid_rounds": "1",
        "bidders": "5",
        "disqualified": "0",
        "second_bidder": "",
        "second_bid_amount": "",
        "highest_bidder": "",
        "highest_bid_amount": "",
        "branch_id": "1",
        "receive_method": "mail",
        "receive_month": "4",
        "receive_day": "10",
        "visit_month": "",
        "visit_day": "",
        "visit_hour": "",
        "notify": "yes",
        "email": "soumu@ejcs.co.jp",
        "send_name": "〇〇建設 株式会社",
        "send_zip": "231-8463",
        "send_address": "神奈川県 横浜市 中区 尾上町 1-6",
        "send_building": "I CON 関内ビル 2階",
    }
    raw.update(changes)
    return raw
