import type { IncidentInput } from "../../src/modules/incidents/incidents.schemas.js";
import { createIncident } from "../../src/modules/incidents/incidents.service.js";
import type { TestApp } from "./app.js";

/** The new-incident form as a manager fills it for the Linux Australia story, changed by `input`. */
export function incidentInput(input: Partial<IncidentInput> = {}): IncidentInput {
  return {
    title: "Conference registration server compromised",
    summary: "",
    severity: "high",
    timeZone: "Australia/Sydney",
    ownerId: null,
    team: "",
    occurredFrom: "",
    occurredTo: "",
    detectedAt: "2016-03-22 09:00",
    awareAt: "2016-03-24 10:00",
    ...input,
  };
}

/** Records an incident through the service, as a manager would through the form. */
export function addIncident(t: TestApp, input: Partial<IncidentInput> = {}) {
  return createIncident(t.deps, incidentInput(input), { userId: null, label: "test", ip: null });
}
