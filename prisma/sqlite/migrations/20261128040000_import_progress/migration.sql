-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_person_import" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incident_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "file_bytes" BIGINT NOT NULL DEFAULT 0,
    "encoding" TEXT NOT NULL DEFAULT '',
    "delimiter" TEXT NOT NULL DEFAULT '',
    "mapping" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'uploaded',
    "rows_read" INTEGER NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "reasons" TEXT NOT NULL DEFAULT '{}',
    "stopped_at_line" INTEGER,
    "message" TEXT NOT NULL DEFAULT '',
    "error_report_path" TEXT,
    "created_by_id" TEXT,
    "created_at" DATETIME NOT NULL,
    "started_at" DATETIME,
    "finished_at" DATETIME,
    "updated_at" DATETIME NOT NULL,
    "bytes_read" BIGINT NOT NULL DEFAULT 0,
    "last_line" INTEGER NOT NULL DEFAULT 0,
    "run_number" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_person_import" ("accepted", "created", "created_at", "created_by_id", "delimiter", "duplicates", "encoding", "error_report_path", "file_bytes", "file_name", "file_path", "finished_at", "id", "incident_id", "mapping", "message", "reasons", "rejected", "rows_read", "started_at", "status", "stopped_at_line", "updated", "updated_at") SELECT "accepted", "created", "created_at", "created_by_id", "delimiter", "duplicates", "encoding", "error_report_path", "file_bytes", "file_name", "file_path", "finished_at", "id", "incident_id", "mapping", "message", "reasons", "rejected", "rows_read", "started_at", "status", "stopped_at_line", "updated", "updated_at" FROM "person_import";
DROP TABLE "person_import";
ALTER TABLE "new_person_import" RENAME TO "person_import";
CREATE INDEX "person_import_incident_id_created_at_idx" ON "person_import"("incident_id", "created_at");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

