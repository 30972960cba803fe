-- AlterTable
ALTER TABLE "audit_entry" ADD COLUMN "incident_id" TEXT;

-- CreateTable
CREATE TABLE "incident" (
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

-- CreateTable
CREATE TABLE "timeline_event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "occurred_at" DATETIME NOT NULL,
    "occurred_zone" TEXT NOT NULL,
    "recorded_at" DATETIME NOT NULL,
    "recorded_by_id" TEXT,
    "recorded_by" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "visibility" TEXT NOT NULL DEFAULT 'internal',
    "source" TEXT NOT NULL DEFAULT 'manual',
    "corrects_id" TEXT,
    CONSTRAINT "timeline_event_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "timeline_event_corrects_id_fkey" FOREIGN KEY ("corrects_id") REFERENCES "timeline_event" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "affected_system" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT '',
    "compromise_method" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "affected_system_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "timeline_event_system" (
    "event_id" TEXT NOT NULL,
    "system_id" TEXT NOT NULL,

    PRIMARY KEY ("event_id", "system_id"),
    CONSTRAINT "timeline_event_system_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "timeline_event" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "timeline_event_system_system_id_fkey" FOREIGN KEY ("system_id") REFERENCES "affected_system" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "data_category" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "sensitivity" TEXT NOT NULL,
    "harm" TEXT NOT NULL,
    "advice" TEXT NOT NULL,
    "is_built_in" BOOLEAN NOT NULL DEFAULT false,
    "sort_order" INTEGER NOT NULL DEFAULT 1000,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "incident_data_category" (
    "incident_id" TEXT NOT NULL,
    "category_id" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '',
    "encrypted" TEXT NOT NULL DEFAULT 'unknown',
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("incident_id", "category_id"),
    CONSTRAINT "incident_data_category_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "incident_data_category_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "data_category" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "remedial_action" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "owner_id" TEXT,
    "due_on" TEXT,
    "due_at" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'open',
    "notes" TEXT NOT NULL DEFAULT '',
    "completed_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "remedial_action_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "remedial_action_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "risk_assessment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "data_categories" TEXT NOT NULL,
    "data_sensitivity" TEXT NOT NULL,
    "people_count" INTEGER,
    "people_count_note" TEXT NOT NULL DEFAULT '',
    "data_protected" TEXT NOT NULL,
    "protection_note" TEXT NOT NULL DEFAULT '',
    "who_may_hold" TEXT NOT NULL DEFAULT '',
    "remedial_summary" TEXT NOT NULL DEFAULT '',
    "harm_prevented" TEXT NOT NULL,
    "serious_harm_likely" TEXT NOT NULL,
    "rationale" TEXT NOT NULL DEFAULT '',
    "assessed_by_id" TEXT,
    "assessed_by" TEXT NOT NULL,
    "assessed_at" DATETIME NOT NULL,
    CONSTRAINT "risk_assessment_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "decision" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "is_notifiable" BOOLEAN NOT NULL,
    "regimes" TEXT NOT NULL,
    "rationale" TEXT NOT NULL,
    "decided_by_id" TEXT,
    "decided_by" TEXT NOT NULL,
    "decided_at" DATETIME NOT NULL,
    "recorded_at" DATETIME NOT NULL,
    "assessment_id" TEXT,
    CONSTRAINT "decision_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "timeline_import" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "default_zone" TEXT NOT NULL,
    "created_by_id" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "imported_at" DATETIME,
    CONSTRAINT "timeline_import_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" DATETIME,
    "revoked_at" DATETIME,
    CONSTRAINT "api_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    "time_zone" TEXT NOT NULL DEFAULT 'UTC'
);
INSERT INTO "new_user" ("created_at", "deactivated_at", "email", "id", "last_login_at", "name", "password_hash", "role", "status", "updated_at") SELECT "created_at", "deactivated_at", "email", "id", "last_login_at", "name", "password_hash", "role", "status", "updated_at" FROM "user";
DROP TABLE "user";
ALTER TABLE "new_user" RENAME TO "user";
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "incident_reference_key" ON "incident"("reference");

-- CreateIndex
CREATE INDEX "incident_status_idx" ON "incident"("status");

-- CreateIndex
CREATE INDEX "incident_owner_id_idx" ON "incident"("owner_id");

-- CreateIndex
CREATE UNIQUE INDEX "incident_year_number_key" ON "incident"("year", "number");

-- CreateIndex
CREATE INDEX "timeline_event_incident_id_occurred_at_idx" ON "timeline_event"("incident_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "affected_system_incident_id_name_key" ON "affected_system"("incident_id", "name");

-- CreateIndex
CREATE INDEX "timeline_event_system_system_id_idx" ON "timeline_event_system"("system_id");

-- CreateIndex
CREATE UNIQUE INDEX "data_category_name_key" ON "data_category"("name");

-- CreateIndex
CREATE INDEX "remedial_action_incident_id_idx" ON "remedial_action"("incident_id");

-- CreateIndex
CREATE INDEX "remedial_action_status_due_at_idx" ON "remedial_action"("status", "due_at");

-- CreateIndex
CREATE INDEX "risk_assessment_incident_id_assessed_at_idx" ON "risk_assessment"("incident_id", "assessed_at");

-- CreateIndex
CREATE INDEX "decision_incident_id_recorded_at_idx" ON "decision"("incident_id", "recorded_at");

-- CreateIndex
CREATE INDEX "timeline_import_incident_id_idx" ON "timeline_import"("incident_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");

-- CreateIndex
CREATE INDEX "api_token_user_id_idx" ON "api_token"("user_id");

-- CreateIndex
CREATE INDEX "audit_entry_incident_id_seq_idx" ON "audit_entry"("incident_id", "seq");

