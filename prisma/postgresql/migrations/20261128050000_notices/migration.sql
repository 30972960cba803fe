-- CreateTable
CREATE TABLE "notice_template" (
    "id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "fallback_language" TEXT NOT NULL DEFAULT 'en',
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notice_template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notice_template_version" (
    "id" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "sections" TEXT NOT NULL,
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notice_template_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign" (
    "id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "version_ids" TEXT NOT NULL DEFAULT '{}',
    "audience" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'draft',
    "scheduled_at" TIMESTAMP(3),
    "is_approval_required" BOOLEAN NOT NULL DEFAULT false,
    "approved_by_id" TEXT,
    "approved_at" TIMESTAMP(3),
    "pause_reason" TEXT NOT NULL DEFAULT '',
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery" (
    "id" TEXT NOT NULL,
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
    "next_attempt_at" TIMESTAMP(3),
    "claimed_by" TEXT,
    "lease_until" TIMESTAMP(3),
    "message_id" TEXT NOT NULL,
    "smtp_code" INTEGER,
    "smtp_response" TEXT NOT NULL DEFAULT '',
    "exclusion_reason" TEXT NOT NULL DEFAULT '',
    "queued_at" TIMESTAMP(3) NOT NULL,
    "sent_at" TIMESTAMP(3),
    "failed_at" TIMESTAMP(3),
    "told_at" TIMESTAMP(3),
    "told_note" TEXT NOT NULL DEFAULT '',
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_event" (
    "id" TEXT NOT NULL,
    "delivery_id" TEXT,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "email" TEXT,
    "detail" TEXT NOT NULL DEFAULT '',
    "received_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "delivery_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bounced_address" (
    "email_normalized" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "delivery_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "bounced_address_pkey" PRIMARY KEY ("email_normalized")
);

-- CreateIndex
CREATE INDEX "notice_template_incident_id_idx" ON "notice_template"("incident_id");

-- CreateIndex
CREATE INDEX "notice_template_version_incident_id_idx" ON "notice_template_version"("incident_id");

-- CreateIndex
CREATE UNIQUE INDEX "notice_template_version_template_id_language_version_key" ON "notice_template_version"("template_id", "language", "version");

-- CreateIndex
CREATE INDEX "campaign_incident_id_created_at_idx" ON "campaign"("incident_id", "created_at");

-- CreateIndex
CREATE INDEX "campaign_status_scheduled_at_idx" ON "campaign"("status", "scheduled_at");

-- CreateIndex
CREATE INDEX "delivery_campaign_id_status_idx" ON "delivery"("campaign_id", "status");

-- CreateIndex
CREATE INDEX "delivery_status_next_attempt_at_idx" ON "delivery"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "delivery_incident_id_person_id_idx" ON "delivery"("incident_id", "person_id");

-- CreateIndex
CREATE INDEX "delivery_message_id_idx" ON "delivery"("message_id");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_campaign_id_person_id_key" ON "delivery"("campaign_id", "person_id");

-- CreateIndex
CREATE INDEX "delivery_event_delivery_id_idx" ON "delivery_event"("delivery_id");

