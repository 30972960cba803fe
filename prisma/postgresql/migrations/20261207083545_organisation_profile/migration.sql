-- AlterTable
ALTER TABLE "campaign" ADD COLUMN     "organisation" TEXT;

-- CreateTable
CREATE TABLE "organisation_profile" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "address" TEXT NOT NULL DEFAULT '',
    "contact_email" TEXT NOT NULL DEFAULT '',
    "contact_phone" TEXT NOT NULL DEFAULT '',
    "privacy_officer" TEXT NOT NULL DEFAULT '',
    "privacy_officer_email" TEXT NOT NULL DEFAULT '',
    "website" TEXT NOT NULL DEFAULT '',
    "sender_name" TEXT NOT NULL DEFAULT '',
    "sender_address" TEXT NOT NULL DEFAULT '',
    "reply_to" TEXT NOT NULL DEFAULT '',
    "updated_by_id" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "organisation_profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_organisation" (
    "incident_id" TEXT NOT NULL,
    "sender_name" TEXT NOT NULL DEFAULT '',
    "sender_address" TEXT NOT NULL DEFAULT '',
    "reply_to" TEXT NOT NULL DEFAULT '',
    "contact_email" TEXT NOT NULL DEFAULT '',
    "contact_phone" TEXT NOT NULL DEFAULT '',
    "updated_by_id" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "incident_organisation_pkey" PRIMARY KEY ("incident_id")
);

