-- CreateIndex
CREATE INDEX "person_incident_id_is_at_risk_category_ids_idx" ON "person"("incident_id", "is_at_risk", "category_ids");

