import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { endOfDayIn } from "../../lib/instants.js";
import { type Actor, withAudit } from "../audit/index.js";
import { type IncidentReader, loadIncident, readableIncidentsWhere } from "../incidents/index.js";
import { findUser, listUsersPage } from "../users/index.js";
import { type ActionStatus, actionStatusLabels, compareActions, completedAtAfter, isOverdue } from "./action-status.policy.js";
import {
  findAction,
  insertAction,
  listActionsOfIncident,
  listOverdueActions,
  listPublicActions,
  updateAction,
} from "./actions.repository.js";
import type { ActionInput } from "./actions.schemas.js";

type ActionWithOwner = NonNullable<Awaited<ReturnType<typeof findAction>>>;

async function requireIncident(db: DbOrTx, reference: string): Promise<Incident> {
  return loadIncident(db, reference);
}

async function requireAction(db: DbOrTx, reference: string, actionId: string) {
  const incident = await requireIncident(db, reference);
  const action = await findAction(db, incident.id, actionId);
  if (!action) throw new AppError("not_found", `${incident.reference} has no such action.`);
  return { incident, action };
}

/** Refuses an owner who is not an active user, unless the action has that owner already. */
async function assertOwnerAllowed(db: DbOrTx, ownerId: string | null, currentOwnerId: string | null = null) {
  if (ownerId === null || ownerId === currentOwnerId) return;
  const user = await findUser(db, ownerId);
  if (!user || user.status !== "active") {
    throw new AppError("validation", "Some fields need correcting.", { ownerId: "Choose an active user, or no one." });
  }
}

/** The stored due day and the instant it ends in the incident's zone. */
function dueFields(input: ActionInput, incident: Incident) {
  return { dueOn: input.dueOn, dueAt: input.dueOn ? endOfDayIn(input.dueOn, incident.timeZone) : null };
}

/** What the audit log keeps of an action. */
function auditView(incident: Incident, action: ActionWithOwner) {
  return {
    incident: incident.reference,
    title: action.title,
    ownerId: action.ownerId,
    owner: action.owner?.email ?? null,
    dueOn: action.dueOn,
    status: action.status,
    notes: action.notes,
    isPublic: action.isPublic,
    completedAt: action.completedAt?.toISOString() ?? null,
  };
}

/** Adds a remedial action to an incident; a due day ends at midnight in the incident's zone. */
export async function createAction(deps: Deps, reference: string, input: ActionInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await requireIncident(tx, reference);
    await assertOwnerAllowed(tx, input.ownerId);
    const action = await insertAction(tx, {
      id: newId(),
      incidentId: incident.id,
      title: input.title,
      ownerId: input.ownerId,
      ...dueFields(input, incident),
      status: input.status,
      notes: input.notes,
      isPublic: input.isPublic,
      completedAt: completedAtAfter(null, input.status, deps.clock.now()),
    });
    return {
      result: { incident, action },
      audit: {
        action: "remedial_action.create",
        entityType: "remedial_action",
        entityId: action.id,
        incidentId: incident.id,
        after: auditView(incident, action),
      },
    };
  });
}

/**
 * Changes an action (audited with before/after). Becoming done records when; leaving done
 * clears it. An owner who has since been deactivated may stay, but no one inactive is newly chosen.
 */
export async function editAction(deps: Deps, reference: string, actionId: string, input: ActionInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const { incident, action } = await requireAction(tx, reference, actionId);
    await assertOwnerAllowed(tx, input.ownerId, action.ownerId);
    const updated = await updateAction(tx, action.id, {
      title: input.title,
      ownerId: input.ownerId,
      ...dueFields(input, incident),
      status: input.status,
      notes: input.notes,
      isPublic: input.isPublic,
      completedAt: completedAtAfter(action, input.status, deps.clock.now()),
    });
    return {
      result: { incident, action: updated },
      audit: {
        action: "remedial_action.update",
        entityType: "remedial_action",
        entityId: action.id,
        incidentId: incident.id,
        before: auditView(incident, action),
        after: auditView(incident, updated),
      },
    };
  });
}

/** Users an action can be given to: the active ones, plus the current owner when no longer active. */
export async function listPossibleOwners(deps: Deps, current?: ActionWithOwner["owner"]) {
  const active = (await listUsersPage(deps))
    .filter((u) => u.status === "active")
    .map((u) => ({ id: u.id, name: u.name, email: u.email }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (current && !active.some((u) => u.id === current.id))
    active.push({ ...current, name: `${current.name} (${current.status})` });
  return active;
}

/** The incident of the add form and the possible owners, for re-showing the form. */
export async function loadAddForm(deps: Deps, reference: string) {
  return { incident: await requireIncident(deps.db.prisma, reference), owners: await listPossibleOwners(deps) };
}

/** The incident, action and possible owners of the edit form. */
export async function loadEditForm(deps: Deps, reference: string, actionId: string) {
  const { incident, action } = await requireAction(deps.db.prisma, reference, actionId);
  return { incident, action, owners: await listPossibleOwners(deps, action.owner) };
}

/** An incident's actions in the order the section lists them, each marked overdue or not at `now`. */
export async function loadActions(deps: Deps, incident: Incident) {
  const now = deps.clock.now();
  const actions = await listActionsOfIncident(deps.db.prisma, incident.id);
  return actions.sort(compareActions).map((action) => ({
    ...action,
    statusLabel: actionStatusLabels[action.status as ActionStatus] ?? action.status,
    isOverdue: isOverdue(action, now),
  }));
}

/** The overdue actions of every incident, longest overdue first, for the dashboard. */
export function findOverdueActions(deps: Deps, reader: IncidentReader, now: Date, limit: number) {
  return listOverdueActions(deps.db.prisma, now, limit, readableIncidentsWhere(reader));
}

/** What a public report shows of an incident's remedial actions: title, status and when done, of those ticked public. */
export function loadPublicActions(db: DbOrTx, incidentId: string) {
  return listPublicActions(db, incidentId);
}
