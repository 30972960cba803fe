-- CreateTable
CREATE TABLE "clock_event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "zone" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "recorded_at" DATETIME NOT NULL,
    "recorded_by_id" TEXT,
    "recorded_by" TEXT NOT NULL,
    CONSTRAINT "clock_event_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "obligation" (
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
    CONSTRAINT "obligation_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_user" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "password_hash" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    "last_login_at" DATETIME,
    "deactivated_at" DATETIME,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "reminders_enabled" BOOLEAN NOT NULL DEFAULT true,
    "digest_hour" INTEGER,
    "calendar_token_hash" TEXT
);
INSERT INTO "new_user" ("created_at", "deactivated_at", "email", "id", "last_login_at", "name", "password_hash", "role", "status", "time_zone", "updated_at") SELECT "created_at", "deactivated_at", "email", "id", "last_login_at", "name", "password_hash", "role", "status", "time_zone", "updated_at" FROM "user";
DROP TABLE "user";
ALTER TABLE "new_user" RENAME TO "user";
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");
CREATE UNIQUE INDEX "user_calendar_token_hash_key" ON "user"("calendar_token_hash");
CREATE TABLE "new_incident" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reference" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "severity" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'detected',
    "owner_id" TEXT,
    "team" TEXT NOT NULL DEFAULT '',
    "time_zone" TEXT NOT NULL,
    "location" TEXT NOT NULL DEFAULT '',
    "occurred_from" DATETIME,
    "occurred_to" DATETIME,
    "detected_at" DATETIME,
    "aware_at" DATETIME,
    "contained_at" DATETIME,
    "decided_at" DATETIME,
    "closed_at" DATETIME,
    "created_by_id" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "incident_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_incident" ("aware_at", "closed_at", "contained_at", "created_at", "created_by_id", "decided_at", "detected_at", "id", "number", "occurred_from", "occurred_to", "owner_id", "reference", "severity", "status", "summary", "team", "time_zone", "title", "updated_at", "year") SELECT "aware_at", "closed_at", "contained_at", "created_at", "created_by_id", "decided_at", "detected_at", "id", "number", "occurred_from", "occurred_to", "owner_id", "reference", "severity", "status", "summary", "team", "time_zone", "title", "updated_at", "year" FROM "incident";
DROP TABLE "incident";
ALTER TABLE "new_incident" RENAME TO "incident";
CREATE UNIQUE INDEX "incident_reference_key" ON "incident"("reference");
CREATE INDEX "incident_status_idx" ON "incident"("status");
CREATE INDEX "incident_owner_id_idx" ON "incident"("owner_id");
CREATE UNIQUE INDEX "incident_year_number_key" ON "incident"("year", "number");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "clock_event_incident_id_code_key" ON "clock_event"("incident_id", "code");

-- CreateIndex
CREATE INDEX "obligation_status_due_at_idx" ON "obligation"("status", "due_at");

-- CreateIndex
CREATE INDEX "obligation_status_next_reminder_at_idx" ON "obligation"("status", "next_reminder_at");

-- CreateIndex
CREATE UNIQUE INDEX "obligation_incident_id_rule_id_key" ON "obligation"("incident_id", "rule_id");

