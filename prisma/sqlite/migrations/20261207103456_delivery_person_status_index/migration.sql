-- Issue 13 (decision 0013): a person's deliveries with their statuses, read from the index alone by the
-- ledger's coverage and people to tell another way; it serves every (incident_id, person_id) lookup too.

-- DropIndex
DROP INDEX "delivery_incident_id_person_id_idx";

-- CreateIndex
CREATE INDEX "delivery_incident_id_person_id_status_idx" ON "delivery"("incident_id", "person_id", "status");

