-- CreateTable
CREATE TABLE "send_rate_bucket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "second_milli" BIGINT NOT NULL,
    "hour_milli" BIGINT NOT NULL,
    "refilled_at" DATETIME NOT NULL
);

