// Need-to-know (issue 16, decision 0030): who reads an incident and with which role. Pure: the
// gate (incident-access.middleware.ts), the lists and the member forms all decide here.
import type { Role } from "../users/index.js";

/** open: every signed-in user reads it; restricted: only its members and administrators. */
export const incidentAccessLevels = ["restricted", "open"] as const;
export type IncidentAccessLevel = (typeof incidentAccessLevels)[number];

/** A member's role on one incident: it can lower their global role there, never raise it. */
export const incidentRoles = ["lead", "manager", "viewer"] as const;
export type IncidentRole = (typeof incidentRoles)[number];

export const incidentRoleLabels: Record<IncidentRole, string> = {
  lead: "Lead (acts with their own role)",
  manager: "Manager (at most a manager here)",
  viewer: "Viewer (reads only, here)",
};

export const accessLabels: Record<IncidentAccessLevel, string> = {
  restricted: "Restricted: its members and administrators",
  open: "Open: every signed-in user",
};

const rank: Record<Role, number> = { viewer: 1, manager: 2, admin: 3 };

/** The highest global role an incident role lets through: a lead keeps theirs. */
const ceilingOf: Record<IncidentRole, Role> = { lead: "admin", manager: "manager", viewer: "viewer" };

/**
 * The role `user` acts with inside the incident, or null when they may not read it at all.
 * Administrators keep theirs everywhere (they answer for the whole register); a member acts with
 * the lower of their global role and their role on the incident; anyone else reads an open
 * incident with their global role and a restricted one not at all.
 */
export function effectiveIncidentRole(
  user: { role: string },
  incident: { access: string },
  membership: { role: string } | null,
): Role | null {
  const global = user.role as Role;
  if (global === "admin") return "admin";
  if (membership) {
    const ceiling = ceilingOf[membership.role as IncidentRole] ?? "viewer";
    return rank[ceiling] < rank[global] ? ceiling : global;
  }
  return incident.access === "open" ? global : null;
}

/** Whether a role inside an incident may change who is on it and whether it is restricted. */
export function canManageAccess(role: Role | null): boolean {
  return role === "manager" || role === "admin";
}
