"""電子保証（認証キー）発行完了のお知らせ. The mail never contains the authentication key.

Queued in the issuing transaction; delivered after commit over SMTP when configured (config
``smtp_host``, ``smtp_port``, and ``smtp_user``/``smtp_password`` for STARTTLS log-in), otherwise
written as an .eml file to the outbox folder. A failed delivery stays queued and is retried.
"""

from __future__ import annotations

from pathlib import Path

from ..clock import now
from ..locations import load_config, outbox_dir
from ..store.models import Guarantee, Mail
from .authz import internal

SUBJECT = "電子保証（認証キー）発行完了のお知らせ"


@internal
def compose(g: Guarantee, company_name: str) -> tuple[str, str]:
    body = "\n".join(
        [
            f"{company_name} 様",
            "",
            "インターネット保証サービス（Net Desk）をご利用いただきありがとうございます。",
            "お申込みいただいた電子保証の発行手続きが完了しました。",
            "",
            f"保証契約番号: {g.number}",
            f"商品(保証区分): {Guarantee.KINDS[g.kind]}",
            f"工事名: {g.work_name}",
            "",
            "認証キーはこのメールには記載していません。",
            "ネットデスクにログインし、全体トップの①保証契約一覧 → ②電子保証(認証キー)タブ → ③詳細 で",
            "保証契約内容をご確認のうえ、「電子保証にかかる「認証キー」のお知らせ」(PDF)を",
            "ダウンロードして発注者様へご提出ください。",
        ]
    )
    return SUBJECT, body


@internal
def queue(g: Guarantee, to: str, company_name: str) -> Mail:
    subject, body = compose(g, company_name)
    return Mail.create(to=to, subject=subject, body=body, guarantee=g)


def _message(mail: Mail, sender: str):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["Subject"] = mail.subject
    msg["From"] = sender
    msg["To"] = mail.to
    msg.set_content(mail.body)
    return msg


@internal
def deliver_pending() -> int:
    """Send (or write to the outbox) every queued mail; returns how many were delivered."""
    config = load_config()
    sender = config.get("mail_from", "netdesk@example.invalid")
    delivered = 0
    for mail in Mail.select().where(Mail.status == "queued").order_by(Mail.id):
        # Claim the row first: two processes delivering at once never send the same mail twice.
        if not Mail.update(status="sending").where(Mail.id == mail.id, Mail.status == "queued").execute():
            continue
        msg = _message(mail, sender)
        try:
            if config.get("smtp_host"):
                import smtplib

                with smtplib.SMTP(config["smtp_host"], int(config.get("smtp_port", 25)), timeout=30) as smtp:
                    if config.get("smtp_user"):
                        smtp.starttls()
                        smtp.login(config["smtp_user"], config.get("smtp_password", ""))
                    smtp.send_message(msg)
                status = "sent"
            else:
                folder = outbox_dir()
                folder.mkdir(parents=True, exist_ok=True)
                path = Path(folder) / f"{mail.id:06d}.eml"
                path.write_bytes(bytes(msg))
                status = "outbox"
        except OSError:  # smtplib errors are OSErrors: back in the queue for the next delivery
            Mail.update(status="queued").where(Mail.id == mail.id).execute()
            continue
        Mail.update(status=status, sent_at=now()).where(Mail.id == mail.id).execute()
        delivered += 1
    return delivered
