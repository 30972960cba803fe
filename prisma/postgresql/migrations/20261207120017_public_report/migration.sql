-- AlterTable
ALTER TABLE "affected_system" ADD COLUMN     "is_public" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "remedial_action" ADD COLUMN     "is_public" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "told_another_way" ADD COLUMN     "public_report_version_id" TEXT;

-- CreateTable
CREATE TABLE "public_report" (
    "id" TEXT NOT NULL,
    "incident_id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'statement',
    "draft" TEXT NOT NULL DEFAULT '{}',
    "draft_saved_at" TIMESTAMP(3),
    "draft_saved_by" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 0,
    "is_published" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "public_report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public_report_version" (
    "id" TEXT NOT NULL,
    "report_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "published_at" TIMESTAMP(3) NOT NULL,
    "published_by_id" TEXT,
    "published_by" TEXT NOT NULL,

    CONSTRAINT "public_report_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "public_report_incident_id_key" ON "public_report"("incident_id");

-- CreateIndex
CREATE UNIQUE INDEX "public_report_slug_key" ON "public_report"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "public_report_version_report_id_version_key" ON "public_report_version"("report_id", "version");

-- AddForeignKey
ALTER TABLE "public_report" ADD CONSTRAINT "public_report_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public_report_version" ADD CONSTRAINT "public_report_version_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "public_report"("id") ON DELETE CASCADE ON UPDATE CASCADE;

