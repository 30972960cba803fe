-- AlterTable
ALTER TABLE "person" ADD COLUMN     "purged_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "delivery" ADD COLUMN     "email_hash" TEXT;

-- CreateTable
CREATE TABLE "incident_retention" (
    "incident_id" TEXT NOT NULL,
    "days_after_close" INTEGER,
    "is_held" BOOLEAN NOT NULL DEFAULT false,
    "hold_reason" TEXT NOT NULL DEFAULT '',
    "hold_set_at" TIMESTAMP(3),
    "evidence_files" TEXT NOT NULL DEFAULT 'kept',
    "warned_14_for" TIMESTAMP(3),
    "warned_3_for" TIMESTAMP(3),
    "updated_by_id" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "incident_retention_pkey" PRIMARY KEY ("incident_id")
);

-- CreateTable
CREATE TABLE "purge_run" (
    "incident_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "cursor" TEXT NOT NULL DEFAULT '',
    "batches_done" INTEGER NOT NULL DEFAULT 0,
    "counts" TEXT NOT NULL DEFAULT '{}',
    "trigger" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "started_by_id" TEXT,
    "started_by" TEXT NOT NULL,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "purge_run_pkey" PRIMARY KEY ("incident_id")
);

-- CreateIndex
CREATE INDEX "purge_run_status_idx" ON "purge_run"("status");

-- CreateIndex
CREATE INDEX "delivery_incident_id_email_hash_idx" ON "delivery"("incident_id", "email_hash");

