-- AlterTable
ALTER TABLE "person" ADD COLUMN     "city" TEXT,
ADD COLUMN     "postcode" TEXT,
ADD COLUMN     "warnings" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "person_import" ADD COLUMN     "rejected_imported_by" TEXT,
ADD COLUMN     "rejected_note" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "rejected_resolution" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "rejected_resolved_at" TIMESTAMP(3),
ADD COLUMN     "rejected_resolved_by_id" TEXT,
ADD COLUMN     "warnings" TEXT NOT NULL DEFAULT '{}';

