-- AlterTable
ALTER TABLE "obligation" ADD COLUMN     "delays" TEXT NOT NULL DEFAULT '[]';
