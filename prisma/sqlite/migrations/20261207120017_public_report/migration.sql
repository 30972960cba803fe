-- AlterTable
ALTER TABLE "told_another_way" ADD COLUMN "public_report_version_id" TEXT;

-- CreateTable
CREATE TABLE "public_report" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'statement',
    "draft" TEXT NOT NULL DEFAULT '{}',
    "draft_saved_at" DATETIME,
    "draft_saved_by" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 0,
    "is_published" BOOLEAN NOT NULL DEFAULT false,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "public_report_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "public_report_version" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "report_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "published_at" DATETIME NOT NULL,
    "published_by_id" TEXT,
    "published_by" TEXT NOT NULL,
    CONSTRAINT "public_report_version_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "public_report" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_affected_system" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT '',
    "compromise_method" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "is_public" BOOLEAN NOT NULL DEFAULT false,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "affected_system_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_affected_system" ("compromise_method", "created_at", "id", "incident_id", "name", "notes", "role", "status", "updated_at") SELECT "compromise_method", "created_at", "id", "incident_id", "name", "notes", "role", "status", "updated_at" FROM "affected_system";
DROP TABLE "affected_system";
ALTER TABLE "new_affected_system" RENAME TO "affected_system";
CREATE UNIQUE INDEX "affected_system_incident_id_name_key" ON "affected_system"("incident_id", "name");
CREATE TABLE "new_remedial_action" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "owner_id" TEXT,
    "due_on" TEXT,
    "due_at" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'open',
    "notes" TEXT NOT NULL DEFAULT '',
    "is_public" BOOLEAN NOT NULL DEFAULT false,
    "completed_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "remedial_action_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "remedial_action_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_remedial_action" ("completed_at", "created_at", "due_at", "due_on", "id", "incident_id", "notes", "owner_id", "status", "title", "updated_at") SELECT "completed_at", "created_at", "due_at", "due_on", "id", "incident_id", "notes", "owner_id", "status", "title", "updated_at" FROM "remedial_action";
DROP TABLE "remedial_action";
ALTER TABLE "new_remedial_action" RENAME TO "remedial_action";
CREATE INDEX "remedial_action_incident_id_idx" ON "remedial_action"("incident_id");
CREATE INDEX "remedial_action_status_due_at_idx" ON "remedial_action"("status", "due_at");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "public_report_incident_id_key" ON "public_report"("incident_id");

-- CreateIndex
CREATE UNIQUE INDEX "public_report_slug_key" ON "public_report"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "public_report_version_report_id_version_key" ON "public_report_version"("report_id", "version");

