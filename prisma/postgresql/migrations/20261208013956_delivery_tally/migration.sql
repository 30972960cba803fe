-- CreateTable
CREATE TABLE "delivery_tally" (
    "campaign_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "deliveries" INTEGER NOT NULL DEFAULT 0,
    "repeats" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "delivery_tally_pkey" PRIMARY KEY ("campaign_id","incident_id","channel","status")
);

-- CreateIndex
CREATE INDEX "delivery_tally_incident_id_idx" ON "delivery_tally"("incident_id");


-- The tally of the deliveries there already are.
INSERT INTO "delivery_tally" ("campaign_id", "channel", "status", "incident_id", "deliveries", "repeats")
SELECT "campaign_id", "channel", "status", "incident_id", count(*), count(*) FILTER (WHERE "reclaims" > 0)
FROM "delivery" GROUP BY "campaign_id", "incident_id", "channel", "status";

-- Kept by the database from now on (decision 0039). Once a statement, not once a row: each
-- statement that inserts, updates or deletes deliveries adds up its changes by campaign, channel
-- and status from its transition tables and writes them in one upsert, so a claim of 200
-- deliveries changes two tally rows once each. The keys are written in order, so that two
-- statements never take the same tally rows in opposite orders.
CREATE FUNCTION "delivery_tally_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "delivery_tally" AS t ("campaign_id", "channel", "status", "incident_id", "deliveries", "repeats")
    SELECT "campaign_id", "channel", "status", "incident_id", count(*), count(*) FILTER (WHERE "reclaims" > 0)
    FROM "delivery_tally_new" GROUP BY "campaign_id", "incident_id", "channel", "status"
    ORDER BY "campaign_id", "incident_id", "channel", "status"
    ON CONFLICT ("campaign_id", "incident_id", "channel", "status") DO UPDATE
      SET "deliveries" = t."deliveries" + EXCLUDED."deliveries", "repeats" = t."repeats" + EXCLUDED."repeats";
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "delivery_tally" AS t ("campaign_id", "channel", "status", "incident_id", "deliveries", "repeats")
    SELECT "campaign_id", "channel", "status", "incident_id", sum("n"), sum("r")
    FROM (SELECT "campaign_id", "channel", "status", "incident_id", -1 AS "n",
                 CASE WHEN "reclaims" > 0 THEN -1 ELSE 0 END AS "r"
          FROM "delivery_tally_old"
          UNION ALL
          SELECT "campaign_id", "channel", "status", "incident_id", 1, CASE WHEN "reclaims" > 0 THEN 1 ELSE 0 END
          FROM "delivery_tally_new") AS "change"
    GROUP BY "campaign_id", "incident_id", "channel", "status"
    HAVING sum("n") <> 0 OR sum("r") <> 0
    ORDER BY "campaign_id", "incident_id", "channel", "status"
    ON CONFLICT ("campaign_id", "incident_id", "channel", "status") DO UPDATE
      SET "deliveries" = t."deliveries" + EXCLUDED."deliveries", "repeats" = t."repeats" + EXCLUDED."repeats";
  ELSE
    INSERT INTO "delivery_tally" AS t ("campaign_id", "channel", "status", "incident_id", "deliveries", "repeats")
    SELECT "campaign_id", "channel", "status", "incident_id", -count(*), -count(*) FILTER (WHERE "reclaims" > 0)
    FROM "delivery_tally_old" GROUP BY "campaign_id", "incident_id", "channel", "status"
    ORDER BY "campaign_id", "incident_id", "channel", "status"
    ON CONFLICT ("campaign_id", "incident_id", "channel", "status") DO UPDATE
      SET "deliveries" = t."deliveries" + EXCLUDED."deliveries", "repeats" = t."repeats" + EXCLUDED."repeats";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "delivery_tally_insert" AFTER INSERT ON "delivery"
  REFERENCING NEW TABLE AS "delivery_tally_new"
  FOR EACH STATEMENT EXECUTE FUNCTION "delivery_tally_count"();

CREATE TRIGGER "delivery_tally_update" AFTER UPDATE ON "delivery"
  REFERENCING OLD TABLE AS "delivery_tally_old" NEW TABLE AS "delivery_tally_new"
  FOR EACH STATEMENT EXECUTE FUNCTION "delivery_tally_count"();

CREATE TRIGGER "delivery_tally_delete" AFTER DELETE ON "delivery"
  REFERENCING OLD TABLE AS "delivery_tally_old"
  FOR EACH STATEMENT EXECUTE FUNCTION "delivery_tally_count"();
