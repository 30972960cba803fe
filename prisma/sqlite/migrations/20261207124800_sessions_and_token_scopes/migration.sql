-- AlterTable
ALTER TABLE "session" ADD COLUMN "ip" TEXT;
ALTER TABLE "session" ADD COLUMN "last_seen_at" DATETIME;
ALTER TABLE "session" ADD COLUMN "user_agent" TEXT;

-- CreateTable
CREATE TABLE "sign_in_client" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "client_key" TEXT NOT NULL,
    "first_seen_at" DATETIME NOT NULL,
    CONSTRAINT "sign_in_client_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_api_token" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" DATETIME,
    "revoked_at" DATETIME,
    "expires_at" DATETIME,
    "scope" TEXT NOT NULL DEFAULT 'full',
    CONSTRAINT "api_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_api_token" ("created_at", "id", "last_used_at", "name", "prefix", "revoked_at", "token_hash", "user_id") SELECT "created_at", "id", "last_used_at", "name", "prefix", "revoked_at", "token_hash", "user_id" FROM "api_token";
DROP TABLE "api_token";
ALTER TABLE "new_api_token" RENAME TO "api_token";
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");
CREATE INDEX "api_token_user_id_idx" ON "api_token"("user_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "sign_in_client_user_id_client_key_key" ON "sign_in_client"("user_id", "client_key");

