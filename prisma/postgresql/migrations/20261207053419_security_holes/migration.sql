-- Issue 11: accounts show tokens issued since the last password change; a delivery counts the
-- times it was claimed again after its worker stopped; bounce reports count only when they name
-- a delivery, the unmatched ones wait for review; suppression is per incident.

-- AlterTable
ALTER TABLE "user" ADD COLUMN     "calendar_token_created_at" TIMESTAMP(3),
ADD COLUMN     "password_changed_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "delivery" ADD COLUMN     "reclaims" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "delivery_event" ADD COLUMN     "incident_id" TEXT,
ADD COLUMN     "message_id" TEXT,
ADD COLUMN     "review_note" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "reviewed_at" TIMESTAMP(3),
ADD COLUMN     "reviewed_by" TEXT;
UPDATE "delivery_event" e SET "incident_id" = d."incident_id" FROM "delivery" d WHERE d."id" = e."delivery_id";

-- The suppression list becomes per incident: a suppressed address keeps its suppression in the
-- incident of the delivery that bounced; one without a delivery (matched by address alone, the
-- forged-bounce hole) is not carried over.
ALTER TABLE "bounced_address" ADD COLUMN     "incident_id" TEXT;
UPDATE "bounced_address" b SET "incident_id" = d."incident_id" FROM "delivery" d WHERE d."id" = b."delivery_id";
DELETE FROM "bounced_address" WHERE "incident_id" IS NULL;
ALTER TABLE "bounced_address" ALTER COLUMN "incident_id" SET NOT NULL;
ALTER TABLE "bounced_address" DROP CONSTRAINT "bounced_address_pkey",
ADD CONSTRAINT "bounced_address_pkey" PRIMARY KEY ("incident_id", "email_normalized");

-- CreateIndex
CREATE INDEX "delivery_event_incident_id_received_at_idx" ON "delivery_event"("incident_id", "received_at");

-- CreateIndex
CREATE INDEX "delivery_event_reviewed_at_received_at_idx" ON "delivery_event"("reviewed_at", "received_at");
