-- CreateTable
CREATE TABLE "organisation_applicability" (
    "id" TEXT NOT NULL,
    "established_in" TEXT,
    "entity_types" TEXT,
    "annual_turnover" DOUBLE PRECISION,
    "turnover_currency" TEXT NOT NULL DEFAULT '',
    "offers_to_eu" BOOLEAN,
    "offers_to_uk" BOOLEAN,
    "updated_by_id" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "organisation_applicability_pkey" PRIMARY KEY ("id")
);

