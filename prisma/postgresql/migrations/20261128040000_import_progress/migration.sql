-- AlterTable
ALTER TABLE "person_import" ADD COLUMN     "bytes_read" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "last_line" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "run_number" INTEGER NOT NULL DEFAULT 0;

