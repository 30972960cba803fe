// The incidents module's face: what other modules, the API and the command line may use. The
// repositories are the module's own. The wiring places import incidents.routes.ts and the
// section list, incident-sections.ts, directly; each module's incident section is typed by
// IncidentSection from here.

export { incidentApiGate, incidentPageGate } from "./incident-access.middleware.js";
export {
  accessLabels,
  canManageAccess,
  effectiveIncidentRole,
  type IncidentAccessLevel,
  type IncidentRole,
  incidentAccessLevels,
  incidentRoleLabels,
  incidentRoles,
} from "./incident-access.policy.js";
export { accessInputSchema, memberInputSchema } from "./incident-access.schemas.js";
export {
  addIncidentMember,
  canReadIncident,
  type IncidentReader,
  listUnreadableIncidentIds,
  loadIncidentTeam,
  loadIncidentTeamJson,
  readableIncidentsWhere,
  removeIncidentMember,
  resolveIncidentAccess,
  setIncidentAccess,
} from "./incident-access.service.js";
export {
  type IncidentEventMap,
  incidentEvents,
  type OverdueActionFilter,
  useOverdueActionFilter,
} from "./incident-hooks.service.js";
export {
  type IncidentStatus,
  incidentStatuses,
  offeredTransitions,
  openStatuses,
  statusLabels,
} from "./incident-lifecycle.policy.js";
export { listIncidentsForRegister, listIncidentYears } from "./incident-register.service.js";
export { describeProposal, proposeIncidentStatus } from "./incident-status-proposal.service.js";
export { incidentInputSchema, listSorts, severities, zoneField } from "./incidents.schemas.js";
export {
  createIncident,
  findIncident,
  findIncidents,
  findIncidentWithId,
  type Incident,
  loadIncident,
  loadIncidentOverview,
  loadTransitionChoices,
  setIncidentLocation,
} from "./incidents.service.js";
