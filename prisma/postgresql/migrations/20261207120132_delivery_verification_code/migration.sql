-- AlterTable
ALTER TABLE "delivery" ADD COLUMN     "verification_code" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "delivery_verification_code_key" ON "delivery"("verification_code");

