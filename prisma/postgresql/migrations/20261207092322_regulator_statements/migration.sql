-- CreateTable
CREATE TABLE "regulator_statement" (
    "id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "rule_id" TEXT NOT NULL,
    "follows_id" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMP(3) NOT NULL,
    "created_by_id" TEXT,
    "created_by" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "regulator_statement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "regulator_statement_version" (
    "id" TEXT NOT NULL,
    "statement_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "fields" TEXT NOT NULL,
    "missing" TEXT NOT NULL DEFAULT '[]',
    "note" TEXT NOT NULL DEFAULT '',
    "saved_at" TIMESTAMP(3) NOT NULL,
    "saved_by_id" TEXT,
    "saved_by" TEXT NOT NULL,
    "submitted_at" TIMESTAMP(3),
    "submitted_zone" TEXT NOT NULL DEFAULT '',
    "submitted_how" TEXT NOT NULL DEFAULT '',
    "submitted_reference" TEXT NOT NULL DEFAULT '',
    "submitted_by" TEXT NOT NULL DEFAULT '',
    "ack_file_name" TEXT NOT NULL DEFAULT '',
    "ack_file_path" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "regulator_statement_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "regulator_statement_incident_id_rule_id_key" ON "regulator_statement"("incident_id", "rule_id");

-- CreateIndex
CREATE UNIQUE INDEX "regulator_statement_version_statement_id_version_key" ON "regulator_statement_version"("statement_id", "version");

-- AddForeignKey
ALTER TABLE "regulator_statement" ADD CONSTRAINT "regulator_statement_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "regulator_statement_version" ADD CONSTRAINT "regulator_statement_version_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "regulator_statement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

