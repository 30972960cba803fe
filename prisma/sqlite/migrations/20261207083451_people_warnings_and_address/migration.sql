-- Issue 13: a person's postal address gets its town and postcode, and what an import could not
-- use (warnings); an import counts its warnings and records what became of its rejected rows.
-- Columns added in place (no rebuild of the person table, which may hold millions of rows).

-- AlterTable
ALTER TABLE "person" ADD COLUMN "city" TEXT;
ALTER TABLE "person" ADD COLUMN "postcode" TEXT;
ALTER TABLE "person" ADD COLUMN "warnings" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "person_import" ADD COLUMN "warnings" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "person_import" ADD COLUMN "rejected_resolution" TEXT NOT NULL DEFAULT '';
ALTER TABLE "person_import" ADD COLUMN "rejected_note" TEXT NOT NULL DEFAULT '';
ALTER TABLE "person_import" ADD COLUMN "rejected_imported_by" TEXT;
ALTER TABLE "person_import" ADD COLUMN "rejected_resolved_at" DATETIME;
ALTER TABLE "person_import" ADD COLUMN "rejected_resolved_by_id" TEXT;
