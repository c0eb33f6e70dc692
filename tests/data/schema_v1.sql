-- esurety-tui database at schema version 1 (first release), a FIXED artefact for tests/test_store.py.
--
-- Version 1 = the schema of version 2 minus what migration step 2 adds (user.failed_logins,
-- user.locked_until, guarantee.search_text). Generated once from the models (create_tables, then
-- ALTER TABLE ... DROP COLUMN of those three, then a dump of sqlite_master) and committed as is:
-- do NOT regenerate it when the models change; a new schema version gets a new fixture.
PRAGMA foreign_keys = ON;
BEGIN;
CREATE TABLE "company" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "address" VARCHAR(255) NOT NULL, "zip_code" VARCHAR(255) NOT NULL);
CREATE UNIQUE INDEX "company_name" ON "company" ("name");
CREATE TABLE "branch" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "code" VARCHAR(3) NOT NULL, "phone" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "hours" VARCHAR(255) NOT NULL);
CREATE UNIQUE INDEX "branch_name" ON "branch" ("name");
CREATE TABLE "user" ("id" INTEGER NOT NULL PRIMARY KEY, "login" VARCHAR(255) NOT NULL, "password_hash" VARCHAR(255) NOT NULL, "company_id" INTEGER, "branch_id" INTEGER, "created_at" DATETIME NOT NULL, FOREIGN KEY ("company_id") REFERENCES "company" ("id") ON DELETE CASCADE, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "user_login" ON "user" ("login");
CREATE INDEX "user_company_id" ON "user" ("company_id");
CREATE INDEX "user_branch_id" ON "user" ("branch_id");
CREATE TABLE "orderer" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "accepts_electronic" INTEGER NOT NULL, "terms" TEXT NOT NULL);
CREATE UNIQUE INDEX "orderer_name" ON "orderer" ("name");
CREATE TABLE "application" ("id" INTEGER NOT NULL PRIMARY KEY, "company_id" INTEGER NOT NULL, "user_id" INTEGER, "status" VARCHAR(255) NOT NULL, "draft" TEXT NOT NULL, "receipt_no" VARCHAR(255), "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "submitted_at" DATETIME, "decided_at" DATETIME, "refusal_reason" TEXT NOT NULL, "orderer_id" INTEGER, "work_name" VARCHAR(255) NOT NULL, "work_place" VARCHAR(255) NOT NULL, "work_kind" VARCHAR(255) NOT NULL, "contract_amount" INTEGER, "contract_date" DATE, "start_date" DATE, "end_date" DATE, "jv_kind" VARCHAR(255) NOT NULL, "jv_name" VARCHAR(255) NOT NULL, "jv_representative" VARCHAR(255) NOT NULL, "planned_advance" INTEGER, "advance_apply" INTEGER NOT NULL, "fiscal_year_amount" INTEGER, "advance_amount" INTEGER, "deposit_bank" VARCHAR(255) NOT NULL, "redeposit" VARCHAR(255) NOT NULL, "advance_fee_method" VARCHAR(255) NOT NULL, "intermediate" INTEGER NOT NULL, "intermediate_amount" INTEGER, "intermediate_claim" INTEGER NOT NULL, "advance_form" VARCHAR(255) NOT NULL, "contract_apply" INTEGER NOT NULL, "contract_guarantee_amount" INTEGER, "low_bid" INTEGER NOT NULL, "contract_fee_method" VARCHAR(255) NOT NULL, "contract_form" VARCHAR(255) NOT NULL, "order_kind" VARCHAR(255) NOT NULL, "award_date" DATE, "bid_rounds" INTEGER, "bidders" INTEGER, "disqualified" INTEGER, "second_bidder" VARCHAR(255) NOT NULL, "second_bid_amount" INTEGER, "highest_bidder" VARCHAR(255) NOT NULL, "highest_bid_amount" INTEGER, "branch_id" INTEGER, "receive_method" VARCHAR(255) NOT NULL, "receive_month" INTEGER, "receive_day" INTEGER, "visit_month" INTEGER, "visit_day" INTEGER, "visit_hour" INTEGER, "notify" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "send_name" VARCHAR(255) NOT NULL, "send_zip" VARCHAR(255) NOT NULL, "send_address" VARCHAR(255) NOT NULL, "send_building" VARCHAR(255) NOT NULL, FOREIGN KEY ("company_id") REFERENCES "company" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("orderer_id") REFERENCES "orderer" ("id") ON DELETE SET NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id") ON DELETE SET NULL);
CREATE INDEX "application_company_id" ON "application" ("company_id");
CREATE INDEX "application_user_id" ON "application" ("user_id");
CREATE INDEX "application_status" ON "application" ("status");
CREATE UNIQUE INDEX "application_receipt_no" ON "application" ("receipt_no");
CREATE INDEX "application_orderer_id" ON "application" ("orderer_id");
CREATE INDEX "application_branch_id" ON "application" ("branch_id");
CREATE INDEX "application_company_id_status" ON "application" ("company_id", "status");
CREATE TABLE "audit_log" ("id" INTEGER NOT NULL PRIMARY KEY, "at" DATETIME NOT NULL, "actor" VARCHAR(255) NOT NULL, "action" VARCHAR(255) NOT NULL, "target" VARCHAR(255) NOT NULL, "detail" TEXT NOT NULL);
CREATE INDEX "audit_log_at" ON "audit_log" ("at");
CREATE TABLE "guarantee" ("id" INTEGER NOT NULL PRIMARY KEY, "number" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "company_id" INTEGER NOT NULL, "application_id" INTEGER, "orderer_id" INTEGER NOT NULL, "branch_id" INTEGER NOT NULL, "electronic" INTEGER NOT NULL, "auth_key" VARCHAR(255), "work_name" VARCHAR(255) NOT NULL, "work_place" VARCHAR(255) NOT NULL, "contractor_name" VARCHAR(255) NOT NULL, "jv_name" VARCHAR(255) NOT NULL, "contract_amount" INTEGER NOT NULL, "guarantee_amount" INTEGER NOT NULL, "deposit_bank" VARCHAR(255) NOT NULL, "start_date" DATE NOT NULL, "end_date" DATE NOT NULL, "cancelled" INTEGER NOT NULL, "issued_at" DATETIME NOT NULL, FOREIGN KEY ("company_id") REFERENCES "company" ("id") ON DELETE CASCADE, FOREIGN KEY ("application_id") REFERENCES "application" ("id") ON DELETE SET NULL, FOREIGN KEY ("orderer_id") REFERENCES "orderer" ("id"), FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"));
CREATE UNIQUE INDEX "guarantee_number" ON "guarantee" ("number");
CREATE INDEX "guarantee_company_id" ON "guarantee" ("company_id");
CREATE INDEX "guarantee_application_id" ON "guarantee" ("application_id");
CREATE INDEX "guarantee_orderer_id" ON "guarantee" ("orderer_id");
CREATE INDEX "guarantee_branch_id" ON "guarantee" ("branch_id");
CREATE INDEX "guarantee_company_id_number" ON "guarantee" ("company_id", "number");
CREATE INDEX "guarantee_company_id_electronic" ON "guarantee" ("company_id", "electronic");
CREATE TABLE "certificate_version" ("id" INTEGER NOT NULL PRIMARY KEY, "guarantee_id" INTEGER NOT NULL, "seq" INTEGER NOT NULL, "kind" VARCHAR(255) NOT NULL, "issued_at" DATETIME NOT NULL, "superseded" INTEGER NOT NULL, "work_name" VARCHAR(255) NOT NULL, "guarantee_amount" INTEGER NOT NULL, "contract_amount" INTEGER NOT NULL, "start_date" DATE NOT NULL, "end_date" DATE NOT NULL, "deposit_bank" VARCHAR(255) NOT NULL, "note" TEXT NOT NULL, FOREIGN KEY ("guarantee_id") REFERENCES "guarantee" ("id") ON DELETE CASCADE);
CREATE INDEX "certificate_version_guarantee_id" ON "certificate_version" ("guarantee_id");
CREATE UNIQUE INDEX "certificate_version_guarantee_id_seq" ON "certificate_version" ("guarantee_id", "seq");
CREATE TABLE "mail" ("id" INTEGER NOT NULL PRIMARY KEY, "to" VARCHAR(255) NOT NULL, "subject" VARCHAR(255) NOT NULL, "body" TEXT NOT NULL, "created_at" DATETIME NOT NULL, "sent_at" DATETIME, "status" VARCHAR(255) NOT NULL, "guarantee_id" INTEGER, FOREIGN KEY ("guarantee_id") REFERENCES "guarantee" ("id") ON DELETE SET NULL);
CREATE INDEX "mail_guarantee_id" ON "mail" ("guarantee_id");
CREATE TABLE "schema_version" ("id" INTEGER NOT NULL PRIMARY KEY, "version" INTEGER NOT NULL, "applied_at" DATETIME NOT NULL);
CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);

INSERT INTO "schema_version" ("id", "version", "applied_at") VALUES (1, 1, '2023-01-10 09:00:00');

INSERT INTO "company" ("id", "name", "address", "zip_code") VALUES (1, '〇〇建設 株式会社', '神奈川県川崎市', '210-0001');
INSERT INTO "branch" ("id", "name", "code", "phone", "email", "hours") VALUES (1, '神奈川支店', '350', '045-662-8203', 'ka.mlal1@ejcs.co.jp', '9:00~17:00');
INSERT INTO "orderer" ("id", "name", "accepts_electronic", "terms") VALUES (1, '川崎市長', 1, '');
-- password_hash: an argon2id hash of 'demo' (any string would do: version 1 had no lock-out columns)
INSERT INTO "user" ("id", "login", "password_hash", "company_id", "branch_id", "created_at") VALUES (1, 'v1user', '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000', 1, NULL, '2023-01-10 09:00:00');
INSERT INTO "application" ("id", "company_id", "user_id", "status", "draft", "receipt_no", "created_at", "updated_at", "submitted_at", "decided_at", "refusal_reason", "orderer_id", "work_name", "work_place", "work_kind", "contract_amount", "contract_date", "start_date", "end_date", "jv_kind", "jv_name", "jv_representative", "planned_advance", "advance_apply", "fiscal_year_amount", "advance_amount", "deposit_bank", "redeposit", "advance_fee_method", "intermediate", "intermediate_amount", "intermediate_claim", "advance_form", "contract_apply", "contract_guarantee_amount", "low_bid", "contract_fee_method", "contract_form", "order_kind", "award_date", "bid_rounds", "bidders", "disqualified", "second_bidder", "second_bid_amount", "highest_bidder", "highest_bid_amount", "branch_id", "receive_method", "receive_month", "receive_day", "visit_month", "visit_day", "visit_hour", "notify", "email", "send_name", "send_zip", "send_address", "send_building")
  VALUES (1, 1, 1, '発行済', '{}', 'ND20230330-000001', '2023-03-30 10:00:00', '2023-03-30 10:00:00', '2023-03-30 10:00:00', '2023-04-03 13:00:00', '', 1, '河川維持（〇〇）工事', '川崎市川崎区地内', 'construction', 50000000, '2023-04-01', '2023-04-03', '2024-03-29', 'single', '', '', NULL, 1, NULL, 20000000, '〇〇銀行　××支店', 'no', 'lump', 0, NULL, 0, 'electronic', 0, NULL, 0, '', '', 'general', '2023-03-20', 1, 5, 0, '', NULL, '', NULL, 1, 'mail', 4, 10, NULL, NULL, NULL, 'yes', 'soumu@ejcs.co.jp', '〇〇建設 株式会社', '231-8463', '神奈川県 横浜市 中区 尾上町 1-6', '');
INSERT INTO "guarantee" ("id", "number", "kind", "company_id", "application_id", "orderer_id", "branch_id", "electronic", "auth_key", "work_name", "work_place", "contractor_name", "jv_name", "contract_amount", "guarantee_amount", "deposit_bank", "start_date", "end_date", "cancelled", "issued_at")
  VALUES (1, '35072-00000M', 'advance', 1, 1, 1, 1, 1, 'Z28YUE4J3Bux', '河川維持（〇〇）工事', '川崎市川崎区地内', '〇〇建設 株式会社', '', 50000000, 20000000, '〇〇銀行　××支店', '2023-04-03', '2024-03-29', 0, '2023-04-03 13:00:00');
INSERT INTO "certificate_version" ("id", "guarantee_id", "seq", "kind", "issued_at", "superseded", "work_name", "guarantee_amount", "contract_amount", "start_date", "end_date", "deposit_bank", "note")
  VALUES (1, 1, 1, '新規', '2023-04-03 13:00:00', 0, '河川維持（〇〇）工事', 20000000, 50000000, '2023-04-03', '2024-03-29', '〇〇銀行　××支店', '');
INSERT INTO "mail" ("id", "to", "subject", "body", "created_at", "sent_at", "status", "guarantee_id") VALUES (1, 'soumu@ejcs.co.jp', '電子保証（認証キー）発行完了のお知らせ', '保証契約番号: 35072-00000M', '2023-04-03 13:00:00', '2023-04-03 13:00:05', 'outbox', 1);
INSERT INTO "audit_log" ("id", "at", "actor", "action", "target", "detail") VALUES (1, '2023-04-03 13:00:00', 'branch', 'guarantee.issue', '35072-00000M', '');
COMMIT;
