-- Issue 13: who set a person's risk instead of the incident's risk rule, and the people told
-- another way than e-mail (one row a person, kept when the person is deleted).

-- AlterTable
ALTER TABLE "person" ADD COLUMN     "risk_override" BOOLEAN,
ADD COLUMN     "risk_set_by" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "told_another_way" (
    "incident_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "full_name" TEXT NOT NULL DEFAULT '',
    "channel" TEXT NOT NULL,
    "told_at" TIMESTAMP(3) NOT NULL,
    "told_zone" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL,
    "recording_id" TEXT NOT NULL,
    "recorded_by_id" TEXT,
    "recorded_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "told_another_way_pkey" PRIMARY KEY ("incident_id","person_id")
);

-- CreateIndex
CREATE INDEX "told_another_way_recording_id_idx" ON "told_another_way"("recording_id");

