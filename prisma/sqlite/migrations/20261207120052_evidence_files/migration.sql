-- CreateTable
CREATE TABLE "evidence_file" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL DEFAULT 'application/octet-stream',
    "size_bytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "link_kind" TEXT NOT NULL DEFAULT '',
    "link_id" TEXT,
    "replaces_id" TEXT,
    "uploaded_at" DATETIME NOT NULL,
    "uploaded_by_id" TEXT,
    "uploaded_by" TEXT NOT NULL,
    "deleted_at" DATETIME,
    "deleted_by_id" TEXT,
    "deleted_by" TEXT NOT NULL DEFAULT '',
    "delete_reason" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "evidence_file_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "evidence_file_replaces_id_fkey" FOREIGN KEY ("replaces_id") REFERENCES "evidence_file" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "evidence_file_incident_id_uploaded_at_idx" ON "evidence_file"("incident_id", "uploaded_at");

-- CreateIndex
CREATE INDEX "evidence_file_replaces_id_idx" ON "evidence_file"("replaces_id");

