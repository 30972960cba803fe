-- Issue 11: accounts show tokens issued since the last password change; a delivery counts the
-- times it was claimed again after its worker stopped; bounce reports count only when they name
-- a delivery, the unmatched ones wait for review; suppression is per incident.
-- New columns are added in place (no table rebuild: the delivery table can hold millions of rows).

-- AlterTable
ALTER TABLE "user" ADD COLUMN "calendar_token_created_at" DATETIME;
ALTER TABLE "user" ADD COLUMN "password_changed_at" DATETIME;

-- AlterTable
ALTER TABLE "delivery" ADD COLUMN "reclaims" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "delivery_event" ADD COLUMN "incident_id" TEXT;
ALTER TABLE "delivery_event" ADD COLUMN "message_id" TEXT;
ALTER TABLE "delivery_event" ADD COLUMN "reviewed_at" DATETIME;
ALTER TABLE "delivery_event" ADD COLUMN "reviewed_by" TEXT;
ALTER TABLE "delivery_event" ADD COLUMN "review_note" TEXT NOT NULL DEFAULT '';
UPDATE "delivery_event" SET "incident_id" = (SELECT d."incident_id" FROM "delivery" d WHERE d."id" = "delivery_event"."delivery_id")
  WHERE "delivery_id" IS NOT NULL;

-- CreateIndex
CREATE INDEX "delivery_event_incident_id_received_at_idx" ON "delivery_event"("incident_id", "received_at");
CREATE INDEX "delivery_event_reviewed_at_received_at_idx" ON "delivery_event"("reviewed_at", "received_at");

-- RedefineTables: the suppression list becomes per incident. A suppressed address keeps its
-- suppression in the incident of the delivery that bounced; one without a delivery (matched by
-- address alone, the forged-bounce hole) is not carried over.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_bounced_address" (
    "incident_id" TEXT NOT NULL,
    "email_normalized" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "delivery_id" TEXT,
    "created_at" DATETIME NOT NULL,

    PRIMARY KEY ("incident_id", "email_normalized")
);
INSERT INTO "new_bounced_address" ("incident_id", "created_at", "delivery_id", "email_normalized", "reason")
  SELECT d."incident_id", b."created_at", b."delivery_id", b."email_normalized", b."reason"
  FROM "bounced_address" b JOIN "delivery" d ON d."id" = b."delivery_id";
DROP TABLE "bounced_address";
ALTER TABLE "new_bounced_address" RENAME TO "bounced_address";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
