-- AlterTable
ALTER TABLE "user" ADD COLUMN     "calendar_token_hash" TEXT,
ADD COLUMN     "digest_hour" INTEGER,
ADD COLUMN     "reminders_enabled" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "incident" ADD COLUMN     "location" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "clock_event" (
    "id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "zone" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "recorded_at" TIMESTAMP(3) NOT NULL,
    "recorded_by_id" TEXT,
    "recorded_by" TEXT NOT NULL,

    CONSTRAINT "clock_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "obligation" (
    "id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "rule_id" TEXT NOT NULL,
    "terms" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "due_at" TIMESTAMP(3),
    "extends_to" TIMESTAMP(3),
    "met_at" TIMESTAMP(3),
    "met_how" TEXT NOT NULL DEFAULT '',
    "met_reference" TEXT NOT NULL DEFAULT '',
    "evidence_note" TEXT NOT NULL DEFAULT '',
    "not_required_reason" TEXT NOT NULL DEFAULT '',
    "late_reasons" TEXT NOT NULL DEFAULT '',
    "applied_at" TIMESTAMP(3) NOT NULL,
    "applied_by_id" TEXT,
    "applied_by" TEXT NOT NULL,
    "reapplied_at" TIMESTAMP(3),
    "next_reminder_at" TIMESTAMP(3),
    "next_reminder_slot" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "obligation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "clock_event_incident_id_code_key" ON "clock_event"("incident_id", "code");

-- CreateIndex
CREATE INDEX "obligation_status_due_at_idx" ON "obligation"("status", "due_at");

-- CreateIndex
CREATE INDEX "obligation_status_next_reminder_at_idx" ON "obligation"("status", "next_reminder_at");

-- CreateIndex
CREATE UNIQUE INDEX "obligation_incident_id_rule_id_key" ON "obligation"("incident_id", "rule_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_calendar_token_hash_key" ON "user"("calendar_token_hash");

-- AddForeignKey
ALTER TABLE "clock_event" ADD CONSTRAINT "clock_event_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "obligation" ADD CONSTRAINT "obligation_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

