-- AlterTable
ALTER TABLE "campaign" ADD COLUMN     "fan_out_after" TEXT,
ADD COLUMN     "fan_out_total" INTEGER;

