-- CreateTable
CREATE TABLE "organisation_applicability" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "established_in" TEXT,
    "entity_types" TEXT,
    "annual_turnover" REAL,
    "turnover_currency" TEXT NOT NULL DEFAULT '',
    "offers_to_eu" BOOLEAN,
    "offers_to_uk" BOOLEAN,
    "updated_by_id" TEXT,
    "updated_at" DATETIME NOT NULL
);

