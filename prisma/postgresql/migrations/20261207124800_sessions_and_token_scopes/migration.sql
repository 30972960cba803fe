-- AlterTable
ALTER TABLE "session" ADD COLUMN     "ip" TEXT,
ADD COLUMN     "last_seen_at" TIMESTAMP(3),
ADD COLUMN     "user_agent" TEXT;

-- AlterTable
ALTER TABLE "api_token" ADD COLUMN     "expires_at" TIMESTAMP(3),
ADD COLUMN     "scope" TEXT NOT NULL DEFAULT 'full';

-- CreateTable
CREATE TABLE "sign_in_client" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "client_key" TEXT NOT NULL,
    "first_seen_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sign_in_client_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sign_in_client_user_id_client_key_key" ON "sign_in_client"("user_id", "client_key");

-- AddForeignKey
ALTER TABLE "sign_in_client" ADD CONSTRAINT "sign_in_client_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

