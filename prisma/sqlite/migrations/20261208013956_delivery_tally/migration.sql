-- CreateTable
CREATE TABLE "delivery_tally" (
    "campaign_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "deliveries" INTEGER NOT NULL DEFAULT 0,
    "repeats" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("campaign_id", "incident_id", "channel", "status")
);

-- CreateIndex
CREATE INDEX "delivery_tally_incident_id_idx" ON "delivery_tally"("incident_id");


-- The tally of the deliveries there already are.
INSERT INTO "delivery_tally" ("campaign_id", "channel", "status", "incident_id", "deliveries", "repeats")
SELECT "campaign_id", "channel", "status", "incident_id", count(*), sum("reclaims" > 0)
FROM "delivery" GROUP BY "campaign_id", "incident_id", "channel", "status";

-- Kept by the database from now on (decision 0039): SQLite's triggers run once a row, inside the
-- statement's own write lock, and a row whose status, channel and reclaims did not change leaves
-- the tally alone.
CREATE TRIGGER "delivery_tally_insert" AFTER INSERT ON "delivery"
BEGIN
  INSERT INTO "delivery_tally" ("campaign_id", "channel", "status", "incident_id", "deliveries", "repeats")
  VALUES (NEW."campaign_id", NEW."channel", NEW."status", NEW."incident_id", 1, NEW."reclaims" > 0)
  ON CONFLICT ("campaign_id", "incident_id", "channel", "status") DO UPDATE
    SET "deliveries" = "deliveries" + 1, "repeats" = "repeats" + excluded."repeats";
END;

CREATE TRIGGER "delivery_tally_update" AFTER UPDATE OF "status", "channel", "reclaims" ON "delivery"
WHEN OLD."status" IS NOT NEW."status" OR OLD."channel" IS NOT NEW."channel"
  OR (OLD."reclaims" > 0) IS NOT (NEW."reclaims" > 0)
BEGIN
  UPDATE "delivery_tally" SET "deliveries" = "deliveries" - 1, "repeats" = "repeats" - (OLD."reclaims" > 0)
  WHERE "campaign_id" = OLD."campaign_id" AND "incident_id" = OLD."incident_id" AND "channel" = OLD."channel" AND "status" = OLD."status";
  INSERT INTO "delivery_tally" ("campaign_id", "channel", "status", "incident_id", "deliveries", "repeats")
  VALUES (NEW."campaign_id", NEW."channel", NEW."status", NEW."incident_id", 1, NEW."reclaims" > 0)
  ON CONFLICT ("campaign_id", "incident_id", "channel", "status") DO UPDATE
    SET "deliveries" = "deliveries" + 1, "repeats" = "repeats" + excluded."repeats";
END;

CREATE TRIGGER "delivery_tally_delete" AFTER DELETE ON "delivery"
BEGIN
  UPDATE "delivery_tally" SET "deliveries" = "deliveries" - 1, "repeats" = "repeats" - (OLD."reclaims" > 0)
  WHERE "campaign_id" = OLD."campaign_id" AND "incident_id" = OLD."incident_id" AND "channel" = OLD."channel" AND "status" = OLD."status";
END;
