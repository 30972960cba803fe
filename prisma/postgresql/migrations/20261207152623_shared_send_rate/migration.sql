-- CreateTable
CREATE TABLE "send_rate_bucket" (
    "id" TEXT NOT NULL,
    "second_milli" BIGINT NOT NULL,
    "hour_milli" BIGINT NOT NULL,
    "refilled_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "send_rate_bucket_pkey" PRIMARY KEY ("id")
);

