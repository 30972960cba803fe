// Need-to-know (issue 16, decision 0030): who may read an incident, with which role, and the
// audited changes to its team and its access level.
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Prisma } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, withAudit } from "../audit/index.js";
import { findUserWithEmail, type Role } from "../users/index.js";
import {
  accessLabels,
  canManageAccess,
  effectiveIncidentRole,
  type IncidentAccessLevel,
  type IncidentRole,
  incidentRoleLabels,
} from "./incident-access.policy.js";
import {
  deleteMember,
  findMembership,
  listActiveUsers,
  listIncidentIdsWhere,
  listMembersOf,
  updateIncidentAccess,
  upsertMember,
} from "./incident-access.repository.js";
import type { AccessInput, MemberInput } from "./incident-access.schemas.js";
import { incidentEvents } from "./incident-hooks.service.js";
import { findIncidentByReference, type Incident } from "./incidents.repository.js";

/** Who is reading: a signed-in user, or the owner of an API token. */
export interface IncidentReader {
  id: string;
  role: string;
}

/**
 * The Prisma filter of the incidents `reader` may read: every one for an administrator; the
 * open ones and those they are a member of for anyone else. Every list of incidents (the
 * incident list and search, the dashboard, the deadlines, reminders and the digest, the
 * calendar feed, the register) puts it in its where clause, so what a list shows and what the
 * incident's pages let in are decided by the same rule.
 */
export function readableIncidentsWhere(reader: IncidentReader): Prisma.IncidentWhereInput {
  if (reader.role === "admin") return {};
  return { OR: [{ access: "open" }, { members: { some: { userId: reader.id } } }] };
}

/** The message a missing incident and one the reader may not read both get: no hint it exists. */
export function noSuchIncident(reference: string): AppError {
  return new AppError("not_found", `There is no incident ${reference}.`);
}

/**
 * The incident with this reference as `reader` sees it: the role they act with there, or a
 * not_found error, the same for an incident that does not exist and one they may not read.
 */
export async function resolveIncidentAccess(
  db: DbOrTx,
  reader: IncidentReader,
  reference: string,
): Promise<{ incident: Incident; role: Role }> {
  const incident = await findIncidentByReference(db, reference);
  if (!incident) throw noSuchIncident(reference);
  const membership = reader.role === "admin" ? null : await findMembership(db, incident.id, reader.id);
  const role = effectiveIncidentRole(reader, incident, membership);
  if (!role) throw noSuchIncident(reference);
  return { incident, role };
}

/** The ids of the incidents `reader` may not read (the restricted ones they are not on; none for an administrator). */
export async function listUnreadableIncidentIds(deps: Deps, reader: IncidentReader): Promise<string[]> {
  if (reader.role === "admin") return [];
  return listIncidentIdsWhere(deps.db.prisma, { NOT: readableIncidentsWhere(reader) });
}

/** Whether `reader` may read the incident with this id (a missing one: no). */
export async function canReadIncident(db: DbOrTx, reader: IncidentReader, incident: Pick<Incident, "id" | "access">) {
  if (reader.role === "admin" || incident.access === "open") return true;
  return (await findMembership(db, incident.id, reader.id)) !== null;
}

/** The incident's team and who could join it, for its access section and the API. */
export async function loadIncidentTeam(deps: Deps, incident: Pick<Incident, "id" | "access">) {
  const [members, users] = await Promise.all([listMembersOf(deps.db.prisma, incident.id), listActiveUsers(deps.db.prisma)]);
  const memberIds = new Set(members.map((m) => m.userId));
  return {
    access: incident.access as IncidentAccessLevel,
    members: members.map((m) => ({ userId: m.userId, role: m.role as IncidentRole, addedAt: m.addedAt, user: m.user })),
    candidates: users.filter((u) => !memberIds.has(u.id)),
  };
}

/** The incident's access and team as the API (GET /incidents/{reference}/members) and the command line give them. */
export async function loadIncidentTeamJson(deps: Deps, incident: Pick<Incident, "id" | "access" | "reference">) {
  const team = await loadIncidentTeam(deps, incident);
  return {
    reference: incident.reference,
    access: team.access,
    members: team.members.map((m) => ({
      userId: m.userId,
      name: m.user.name,
      email: m.user.email,
      globalRole: m.user.role,
      role: m.role,
      addedAt: m.addedAt.toISOString(),
    })),
  };
}

/** Makes the creator and the owner of a new incident its leads, inside the caller's transaction. */
export async function addFoundingMembers(tx: DbOrTx, incident: Incident, at: Date): Promise<void> {
  const ids = new Set([incident.createdById, incident.ownerId].filter((id): id is string => Boolean(id)));
  for (const userId of ids) {
    await upsertMember(tx, { incidentId: incident.id, userId, role: "lead", addedById: incident.createdById, addedAt: at });
  }
}

/** Makes a new owner a lead of the incident when they are not on it yet, inside the caller's transaction. */
export async function addOwnerAsMember(tx: DbOrTx, incident: Incident, actorId: string | null, at: Date): Promise<void> {
  if (!incident.ownerId || (await findMembership(tx, incident.id, incident.ownerId))) return;
  await upsertMember(tx, { incidentId: incident.id, userId: incident.ownerId, role: "lead", addedById: actorId, addedAt: at });
}

async function noteOnTimeline(deps: Deps, tx: DbOrTx, incident: Incident, description: string, actor: Actor) {
  await incidentEvents.emitSerial("incident.team_changed", { deps, tx, incident, description, actor });
}

/** Adds a user to the incident's team, or changes their role on it; audited and on the timeline. */
export async function addIncidentMember(deps: Deps, incident: Incident, input: MemberInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUserWithEmail(tx, input.email.toLowerCase());
    if (!user || user.status !== "active") {
      throw new AppError("validation", "Choose an active user.", { email: "There is no active user with this address." });
    }
    const before = await findMembership(tx, incident.id, user.id);
    await upsertMember(tx, {
      incidentId: incident.id,
      userId: user.id,
      role: input.role,
      addedById: actor.userId,
      addedAt: deps.clock.now(),
    });
    const role = incidentRoleLabels[input.role].split(" (")[0]?.toLowerCase();
    await noteOnTimeline(
      deps,
      tx,
      incident,
      before
        ? `${user.name} is now ${role} on the incident (was ${before.role}).`
        : `${user.name} joined the incident's team as ${role}.`,
      actor,
    );
    return {
      result: { userId: user.id, role: input.role },
      audit: {
        action: before ? "incident.member_role" : "incident.member_add",
        entityType: "incident",
        entityId: incident.id,
        ...(before ? { before: { userId: user.id, email: user.email, role: before.role } } : {}),
        after: { userId: user.id, email: user.email, role: input.role },
      },
    };
  });
}

/**
 * Takes a user off the incident's team; audited and on the timeline. The last lead of a
 * restricted incident stays, so someone other than an administrator can still manage it.
 */
export async function removeIncidentMember(deps: Deps, incident: Incident, userId: string, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const membership = await findMembership(tx, incident.id, userId);
    if (!membership) throw new AppError("not_found", "This user is not on the incident's team.");
    const team = await listMembersOf(tx, incident.id);
    const leads = team.filter((m) => m.role === "lead");
    if (membership.role === "lead" && leads.length === 1 && incident.access === "restricted") {
      throw new AppError("conflict", "The incident needs a lead while it is restricted: make someone else lead first.");
    }
    await deleteMember(tx, incident.id, userId);
    const who = team.find((m) => m.userId === userId)?.user;
    await noteOnTimeline(deps, tx, incident, `${who?.name ?? "A user"} left the incident's team.`, actor);
    return {
      result: undefined,
      audit: {
        action: "incident.member_remove",
        entityType: "incident",
        entityId: incident.id,
        before: { userId, email: who?.email ?? null, role: membership.role },
      },
    };
  });
}

/** Restricts the incident to its team, or opens it to every signed-in user; audited and on the timeline. */
export async function setIncidentAccess(deps: Deps, incident: Incident, input: AccessInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    if (input.access === incident.access)
      return {
        result: incident,
        audit: { action: "incident.access", entityType: "incident", entityId: incident.id, after: { access: input.access } },
      };
    const updated = await updateIncidentAccess(tx, incident.id, input.access);
    await noteOnTimeline(deps, tx, updated, `Access changed to ${accessLabels[input.access].toLowerCase()}.`, actor);
    return {
      result: updated,
      audit: {
        action: "incident.access",
        entityType: "incident",
        entityId: incident.id,
        before: { access: incident.access },
        after: { access: input.access },
      },
    };
  });
}

export { canManageAccess };
