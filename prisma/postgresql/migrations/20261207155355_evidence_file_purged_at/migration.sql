-- AlterTable
ALTER TABLE "evidence_file" ADD COLUMN     "purged_at" TIMESTAMP(3);

