-- AlterTable
ALTER TABLE "incident" ADD COLUMN     "proposed_at" TIMESTAMP(3),
ADD COLUMN     "proposed_because" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "proposed_status" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "decision" ADD COLUMN     "is_material" BOOLEAN;

-- AlterTable
ALTER TABLE "obligation" ADD COLUMN     "auto_close_held" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "clock_started_at" TIMESTAMP(3),
ADD COLUMN     "clock_started_by" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "met_by" TEXT NOT NULL DEFAULT '';

