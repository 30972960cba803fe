-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "campaign_id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "email" TEXT,
    "email_normalized" TEXT,
    "full_name" TEXT NOT NULL DEFAULT '',
    "country" TEXT,
    "region" TEXT,
    "language" TEXT NOT NULL DEFAULT '',
    "template_version_id" TEXT,
    "channel" TEXT NOT NULL DEFAULT 'email',
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" DATETIME,
    "claimed_by" TEXT,
    "lease_until" DATETIME,
    "message_id" TEXT NOT NULL,
    "smtp_code" INTEGER,
    "smtp_response" TEXT NOT NULL DEFAULT '',
    "exclusion_reason" TEXT NOT NULL DEFAULT '',
    "queued_at" DATETIME NOT NULL,
    "sent_at" DATETIME,
    "failed_at" DATETIME,
    "told_at" DATETIME,
    "told_note" TEXT NOT NULL DEFAULT '',
    "updated_at" DATETIME NOT NULL,
    "reclaims" INTEGER NOT NULL DEFAULT 0,
    "verification_code" TEXT,
    "email_hash" TEXT,
    "name_search" TEXT NOT NULL DEFAULT '',
    "family_search" TEXT NOT NULL DEFAULT ''
);
INSERT INTO "new_delivery" ("attempts", "campaign_id", "channel", "claimed_by", "country", "email", "email_hash", "email_normalized", "exclusion_reason", "failed_at", "full_name", "id", "incident_id", "language", "lease_until", "message_id", "name_search", "next_attempt_at", "person_id", "queued_at", "reclaims", "region", "sent_at", "smtp_code", "smtp_response", "status", "template_version_id", "told_at", "told_note", "updated_at", "verification_code") SELECT "attempts", "campaign_id", "channel", "claimed_by", "country", "email", "email_hash", "email_normalized", "exclusion_reason", "failed_at", "full_name", "id", "incident_id", "language", "lease_until", "message_id", "name_search", "next_attempt_at", "person_id", "queued_at", "reclaims", "region", "sent_at", "smtp_code", "smtp_response", "status", "template_version_id", "told_at", "told_note", "updated_at", "verification_code" FROM "delivery";
DROP TABLE "delivery";
ALTER TABLE "new_delivery" RENAME TO "delivery";
CREATE UNIQUE INDEX "delivery_verification_code_key" ON "delivery"("verification_code");
CREATE INDEX "delivery_campaign_id_status_idx" ON "delivery"("campaign_id", "status");
CREATE INDEX "delivery_status_next_attempt_at_idx" ON "delivery"("status", "next_attempt_at");
CREATE INDEX "delivery_incident_id_person_id_status_idx" ON "delivery"("incident_id", "person_id", "status");
CREATE INDEX "delivery_incident_id_queued_at_id_idx" ON "delivery"("incident_id", "queued_at", "id");
CREATE INDEX "delivery_incident_id_status_idx" ON "delivery"("incident_id", "status");
CREATE INDEX "delivery_message_id_idx" ON "delivery"("message_id");
CREATE INDEX "delivery_incident_id_email_hash_idx" ON "delivery"("incident_id", "email_hash");
CREATE INDEX "delivery_incident_id_email_normalized_idx" ON "delivery"("incident_id", "email_normalized");
CREATE INDEX "delivery_incident_id_name_search_idx" ON "delivery"("incident_id", "name_search");
CREATE INDEX "delivery_incident_id_family_search_idx" ON "delivery"("incident_id", "family_search");
CREATE UNIQUE INDEX "delivery_campaign_id_person_id_key" ON "delivery"("campaign_id", "person_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Backfill: the folded family name of the deliveries written before (lib/name-fold.ts, foldedNameSql)
UPDATE "delivery" SET "family_search" = CASE WHEN TRIM(p."family_name") GLOB '*[^ -~]*' THEN REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LOWER(TRIM(p."family_name")), 'à', 'a'), 'á', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'å', 'a'), 'ā', 'a'), 'ă', 'a'), 'ą', 'a'), 'À', 'a'), 'Á', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a'), 'Å', 'a'), 'Ā', 'a'), 'Ă', 'a'), 'Ą', 'a'), 'ç', 'c'), 'ć', 'c'), 'ĉ', 'c'), 'ċ', 'c'), 'č', 'c'), 'Ç', 'c'), 'Ć', 'c'), 'Ĉ', 'c'), 'Ċ', 'c'), 'Č', 'c'), 'ď', 'd'), 'đ', 'd'), 'ð', 'd'), 'Ď', 'd'), 'Đ', 'd'), 'Ð', 'd'), 'è', 'e'), 'é', 'e'), 'ê', 'e'), 'ë', 'e'), 'ē', 'e'), 'ĕ', 'e'), 'ė', 'e'), 'ę', 'e'), 'ě', 'e'), 'È', 'e'), 'É', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'Ē', 'e'), 'Ĕ', 'e'), 'Ė', 'e'), 'Ę', 'e'), 'Ě', 'e'), 'ĝ', 'g'), 'ğ', 'g'), 'ġ', 'g'), 'ģ', 'g'), 'Ĝ', 'g'), 'Ğ', 'g'), 'Ġ', 'g'), 'Ģ', 'g'), 'ĥ', 'h'), 'ħ', 'h'), 'Ĥ', 'h'), 'Ħ', 'h'), 'ì', 'i'), 'í', 'i'), 'î', 'i'), 'ï', 'i'), 'ĩ', 'i'), 'ī', 'i'), 'ĭ', 'i'), 'į', 'i'), 'ı', 'i'), 'Ì', 'i'), 'Í', 'i'), 'Î', 'i'), 'Ï', 'i'), 'Ĩ', 'i'), 'Ī', 'i'), 'Ĭ', 'i'), 'Į', 'i'), 'İ', 'i'), 'ĵ', 'j'), 'Ĵ', 'j'), 'ķ', 'k'), 'Ķ', 'k'), 'ĺ', 'l'), 'ļ', 'l'), 'ľ', 'l'), 'ŀ', 'l'), 'ł', 'l'), 'Ĺ', 'l'), 'Ļ', 'l'), 'Ľ', 'l'), 'Ŀ', 'l'), 'Ł', 'l'), 'ñ', 'n'), 'ń', 'n'), 'ņ', 'n'), 'ň', 'n'), 'Ñ', 'n'), 'Ń', 'n'), 'Ņ', 'n'), 'Ň', 'n'), 'ò', 'o'), 'ó', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'ø', 'o'), 'ō', 'o'), 'ŏ', 'o'), 'ő', 'o'), 'Ò', 'o'), 'Ó', 'o'), 'Ô', 'o'), 'Õ', 'o'), 'Ö', 'o'), 'Ø', 'o'), 'Ō', 'o'), 'Ŏ', 'o'), 'Ő', 'o'), 'ŕ', 'r'), 'ŗ', 'r'), 'ř', 'r'), 'Ŕ', 'r'), 'Ŗ', 'r'), 'Ř', 'r'), 'ś', 's'), 'ŝ', 's'), 'ş', 's'), 'š', 's'), 'ș', 's'), 'Ś', 's'), 'Ŝ', 's'), 'Ş', 's'), 'Š', 's'), 'Ș', 's'), 'ţ', 't'), 'ť', 't'), 'ŧ', 't'), 'ț', 't'), 'Ţ', 't'), 'Ť', 't'), 'Ŧ', 't'), 'Ț', 't'), 'ù', 'u'), 'ú', 'u'), 'û', 'u'), 'ü', 'u'), 'ũ', 'u'), 'ū', 'u'), 'ŭ', 'u'), 'ů', 'u'), 'ű', 'u'), 'ų', 'u'), 'Ù', 'u'), 'Ú', 'u'), 'Û', 'u'), 'Ü', 'u'), 'Ũ', 'u'), 'Ū', 'u'), 'Ŭ', 'u'), 'Ů', 'u'), 'Ű', 'u'), 'Ų', 'u'), 'ŵ', 'w'), 'Ŵ', 'w'), 'ý', 'y'), 'ÿ', 'y'), 'ŷ', 'y'), 'Ý', 'y'), 'Ÿ', 'y'), 'Ŷ', 'y'), 'ź', 'z'), 'ż', 'z'), 'ž', 'z'), 'Ź', 'z'), 'Ż', 'z'), 'Ž', 'z'), 'ß', 'ss'), 'æ', 'ae'), 'Æ', 'ae'), 'œ', 'oe'), 'Œ', 'oe'), 'þ', 'th'), 'Þ', 'th') ELSE LOWER(TRIM(p."family_name")) END FROM "person" p WHERE p."id" = "delivery"."person_id" AND "delivery"."full_name" <> '';
