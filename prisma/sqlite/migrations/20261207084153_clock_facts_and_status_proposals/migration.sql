-- Issue 13: the fact that started an obligation's clock, what met it automatically and whether a
-- person held it open; the SEC materiality determination on a decision; the status change the
-- work proposes for an incident. Columns added in place (no table rebuild).

-- AlterTable
ALTER TABLE "decision" ADD COLUMN "is_material" BOOLEAN;

-- AlterTable
ALTER TABLE "incident" ADD COLUMN "proposed_status" TEXT NOT NULL DEFAULT '';
ALTER TABLE "incident" ADD COLUMN "proposed_because" TEXT NOT NULL DEFAULT '';
ALTER TABLE "incident" ADD COLUMN "proposed_at" DATETIME;

-- AlterTable
ALTER TABLE "obligation" ADD COLUMN "clock_started_at" DATETIME;
ALTER TABLE "obligation" ADD COLUMN "clock_started_by" TEXT NOT NULL DEFAULT '';
ALTER TABLE "obligation" ADD COLUMN "met_by" TEXT NOT NULL DEFAULT '';
ALTER TABLE "obligation" ADD COLUMN "auto_close_held" BOOLEAN NOT NULL DEFAULT false;
