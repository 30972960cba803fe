-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_obligation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "rule_id" TEXT NOT NULL,
    "terms" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "due_at" DATETIME,
    "extends_to" DATETIME,
    "met_at" DATETIME,
    "met_how" TEXT NOT NULL DEFAULT '',
    "met_reference" TEXT NOT NULL DEFAULT '',
    "evidence_note" TEXT NOT NULL DEFAULT '',
    "not_required_reason" TEXT NOT NULL DEFAULT '',
    "late_reasons" TEXT NOT NULL DEFAULT '',
    "applied_at" DATETIME NOT NULL,
    "applied_by_id" TEXT,
    "applied_by" TEXT NOT NULL,
    "reapplied_at" DATETIME,
    "next_reminder_at" DATETIME,
    "next_reminder_slot" TEXT,
    "updated_at" DATETIME NOT NULL,
    "clock_started_at" DATETIME,
    "clock_started_by" TEXT NOT NULL DEFAULT '',
    "met_by" TEXT NOT NULL DEFAULT '',
    "auto_close_held" BOOLEAN NOT NULL DEFAULT false,
    "delays" TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT "obligation_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_obligation" ("applied_at", "applied_by", "applied_by_id", "auto_close_held", "clock_started_at", "clock_started_by", "due_at", "evidence_note", "extends_to", "id", "incident_id", "late_reasons", "met_at", "met_by", "met_how", "met_reference", "next_reminder_at", "next_reminder_slot", "not_required_reason", "reapplied_at", "rule_id", "status", "terms", "updated_at", "zone") SELECT "applied_at", "applied_by", "applied_by_id", "auto_close_held", "clock_started_at", "clock_started_by", "due_at", "evidence_note", "extends_to", "id", "incident_id", "late_reasons", "met_at", "met_by", "met_how", "met_reference", "next_reminder_at", "next_reminder_slot", "not_required_reason", "reapplied_at", "rule_id", "status", "terms", "updated_at", "zone" FROM "obligation";
DROP TABLE "obligation";
ALTER TABLE "new_obligation" RENAME TO "obligation";
CREATE INDEX "obligation_status_due_at_idx" ON "obligation"("status", "due_at");
CREATE INDEX "obligation_status_next_reminder_at_idx" ON "obligation"("status", "next_reminder_at");
CREATE UNIQUE INDEX "obligation_incident_id_rule_id_key" ON "obligation"("incident_id", "rule_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

