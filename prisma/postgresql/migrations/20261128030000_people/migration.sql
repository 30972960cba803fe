-- CreateTable
CREATE TABLE "person" (
    "id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "unique_key" TEXT NOT NULL,
    "external_id" TEXT,
    "given_name" TEXT NOT NULL DEFAULT '',
    "family_name" TEXT NOT NULL DEFAULT '',
    "email" TEXT,
    "email_normalized" TEXT,
    "phone" TEXT,
    "postal_address" TEXT,
    "country" TEXT,
    "region" TEXT,
    "language" TEXT,
    "category_ids" TEXT,
    "is_at_risk" BOOLEAN,
    "attributes" TEXT NOT NULL DEFAULT '{}',
    "notes" TEXT NOT NULL DEFAULT '',
    "import_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person_import" (
    "id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "file_bytes" BIGINT NOT NULL DEFAULT 0,
    "encoding" TEXT NOT NULL DEFAULT '',
    "delimiter" TEXT NOT NULL DEFAULT '',
    "mapping" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'uploaded',
    "rows_read" INTEGER NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "reasons" TEXT NOT NULL DEFAULT '{}',
    "stopped_at_line" INTEGER,
    "message" TEXT NOT NULL DEFAULT '',
    "error_report_path" TEXT,
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "person_import_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "person_incident_id_country_region_idx" ON "person"("incident_id", "country", "region");

-- CreateIndex
CREATE INDEX "person_incident_id_email_normalized_idx" ON "person"("incident_id", "email_normalized");

-- CreateIndex
CREATE INDEX "person_import_id_idx" ON "person"("import_id");

-- CreateIndex
CREATE UNIQUE INDEX "person_incident_id_unique_key_key" ON "person"("incident_id", "unique_key");

-- CreateIndex
CREATE INDEX "person_import_incident_id_created_at_idx" ON "person_import"("incident_id", "created_at");

