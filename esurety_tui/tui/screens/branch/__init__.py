"""The branch console: 受付一覧, 申込内容 (引受 / 謝絶 / 発行), the branch's 保証契約一覧 with
訂正 / 変更 / 取消 / 認証キーの再発行, and the 発注者 master."""
