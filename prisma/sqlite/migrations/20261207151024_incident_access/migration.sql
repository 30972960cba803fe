-- CreateTable
CREATE TABLE "incident_member" (
    "incident_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "added_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "added_by_id" TEXT,

    PRIMARY KEY ("incident_id", "user_id"),
    CONSTRAINT "incident_member_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "incident_member_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_incident" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reference" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "severity" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'detected',
    "owner_id" TEXT,
    "team" TEXT NOT NULL DEFAULT '',
    "time_zone" TEXT NOT NULL,
    "location" TEXT NOT NULL DEFAULT '',
    "occurred_from" DATETIME,
    "occurred_to" DATETIME,
    "detected_at" DATETIME,
    "aware_at" DATETIME,
    "contained_at" DATETIME,
    "decided_at" DATETIME,
    "closed_at" DATETIME,
    "created_by_id" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    "proposed_status" TEXT NOT NULL DEFAULT '',
    "proposed_because" TEXT NOT NULL DEFAULT '',
    "proposed_at" DATETIME,
    "access" TEXT NOT NULL DEFAULT 'open',
    CONSTRAINT "incident_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_incident" ("aware_at", "closed_at", "contained_at", "created_at", "created_by_id", "decided_at", "detected_at", "id", "location", "number", "occurred_from", "occurred_to", "owner_id", "proposed_at", "proposed_because", "proposed_status", "reference", "severity", "status", "summary", "team", "time_zone", "title", "updated_at", "year") SELECT "aware_at", "closed_at", "contained_at", "created_at", "created_by_id", "decided_at", "detected_at", "id", "location", "number", "occurred_from", "occurred_to", "owner_id", "proposed_at", "proposed_because", "proposed_status", "reference", "severity", "status", "summary", "team", "time_zone", "title", "updated_at", "year" FROM "incident";
DROP TABLE "incident";
ALTER TABLE "new_incident" RENAME TO "incident";
CREATE UNIQUE INDEX "incident_reference_key" ON "incident"("reference");
CREATE INDEX "incident_status_idx" ON "incident"("status");
CREATE INDEX "incident_owner_id_idx" ON "incident"("owner_id");
CREATE UNIQUE INDEX "incident_year_number_key" ON "incident"("year", "number");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "incident_member_user_id_idx" ON "incident_member"("user_id");


-- Data: incidents recorded before need-to-know stay open (the column's default), and their
-- owner and creator become members leading them, where the user still exists.
INSERT INTO "incident_member" ("incident_id", "user_id", "role", "added_at")
SELECT "id", "owner_id", 'lead', "created_at" FROM "incident"
WHERE "owner_id" IS NOT NULL AND EXISTS (SELECT 1 FROM "user" WHERE "user"."id" = "incident"."owner_id");
INSERT INTO "incident_member" ("incident_id", "user_id", "role", "added_at")
SELECT "id", "created_by_id", 'lead', "created_at" FROM "incident"
WHERE "created_by_id" IS NOT NULL AND ("owner_id" IS NULL OR "created_by_id" <> "owner_id")
  AND EXISTS (SELECT 1 FROM "user" WHERE "user"."id" = "incident"."created_by_id");
