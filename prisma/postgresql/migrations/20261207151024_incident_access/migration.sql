-- AlterTable
ALTER TABLE "incident" ADD COLUMN     "access" TEXT NOT NULL DEFAULT 'open';

-- CreateTable
CREATE TABLE "incident_member" (
    "incident_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "added_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "added_by_id" TEXT,

    CONSTRAINT "incident_member_pkey" PRIMARY KEY ("incident_id","user_id")
);

-- CreateIndex
CREATE INDEX "incident_member_user_id_idx" ON "incident_member"("user_id");

-- AddForeignKey
ALTER TABLE "incident_member" ADD CONSTRAINT "incident_member_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_member" ADD CONSTRAINT "incident_member_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Data: incidents recorded before need-to-know stay open (the column's default), and their
-- owner and creator become members leading them, where the user still exists.
INSERT INTO "incident_member" ("incident_id", "user_id", "role", "added_at")
SELECT "id", "owner_id", 'lead', "created_at" FROM "incident"
WHERE "owner_id" IS NOT NULL AND EXISTS (SELECT 1 FROM "user" WHERE "user"."id" = "incident"."owner_id");
INSERT INTO "incident_member" ("incident_id", "user_id", "role", "added_at")
SELECT "id", "created_by_id", 'lead', "created_at" FROM "incident"
WHERE "created_by_id" IS NOT NULL AND ("owner_id" IS NULL OR "created_by_id" <> "owner_id")
  AND EXISTS (SELECT 1 FROM "user" WHERE "user"."id" = "incident"."created_by_id");
