-- AlterTable
ALTER TABLE "person" ADD COLUMN "purged_at" DATETIME;

-- AlterTable
ALTER TABLE "delivery" ADD COLUMN "email_hash" TEXT;

-- CreateTable
CREATE TABLE "incident_retention" (
    "incident_id" TEXT NOT NULL PRIMARY KEY,
    "days_after_close" INTEGER,
    "is_held" BOOLEAN NOT NULL DEFAULT false,
    "hold_reason" TEXT NOT NULL DEFAULT '',
    "hold_set_at" DATETIME,
    "evidence_files" TEXT NOT NULL DEFAULT 'kept',
    "warned_14_for" DATETIME,
    "warned_3_for" DATETIME,
    "updated_by_id" TEXT,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "purge_run" (
    "incident_id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "cursor" TEXT NOT NULL DEFAULT '',
    "batches_done" INTEGER NOT NULL DEFAULT 0,
    "counts" TEXT NOT NULL DEFAULT '{}',
    "trigger" TEXT NOT NULL,
    "started_at" DATETIME NOT NULL,
    "started_by_id" TEXT,
    "started_by" TEXT NOT NULL,
    "finished_at" DATETIME
);

-- CreateIndex
CREATE INDEX "purge_run_status_idx" ON "purge_run"("status");

-- CreateIndex
CREATE INDEX "delivery_incident_id_email_hash_idx" ON "delivery"("incident_id", "email_hash");

