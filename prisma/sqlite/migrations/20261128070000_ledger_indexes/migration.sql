-- CreateIndex
CREATE INDEX "delivery_incident_id_queued_at_id_idx" ON "delivery"("incident_id", "queued_at", "id");

-- CreateIndex
CREATE INDEX "delivery_incident_id_status_idx" ON "delivery"("incident_id", "status");
