// `breachdesk members`: an incident's team and its access from the command line (need-to-know,
// decision 0030). The same use cases as the team section of the evidence page and the API's
// /incidents/{reference}/members: the service audits each change and writes it on the timeline.
import { parseArgs } from "node:util";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { parseInput } from "../lib/validation.js";
import {
  accessInputSchema,
  accessLabels,
  addIncidentMember,
  type Incident,
  loadIncident,
  loadIncidentTeam,
  loadIncidentTeamJson,
  memberInputSchema,
  removeIncidentMember,
  setIncidentAccess,
} from "../modules/incidents/index.js";
import { normaliseEmail } from "../modules/users/index.js";
import { withCliDeps } from "./cli-deps.js";
import type { CliIo } from "./cli-io.js";

export const membersUsage = `  breachdesk members --incident REF [--json]
      Lists the incident's team (role on the team, name, e-mail, since when) and its access:
      restricted (its members and administrators) or open (every signed-in user). --json prints
      {"reference","access","members":[{"userId","name","email","globalRole","role","addedAt"}]},
      the API's GET /incidents/{reference}/members.
  breachdesk members add --incident REF --email E --role lead|manager|viewer [--json]
      Adds an active user to the team, or changes the role of one already on it.
  breachdesk members remove --incident REF --email E [--json]
      Takes the user off the team; the last lead of a restricted incident stays.
  breachdesk members access --incident REF open|restricted [--json]
      Opens the incident to every signed-in user, or restricts it to its team.
      Each change is audited by "cli" and written on the incident's timeline; with --json the
      team after it is printed as above. Exit status 0 done, 2 refused (the message says what
      to fix: an unknown incident, an unknown or deactivated user, a bad role, the last lead).`;

const cli = { userId: null, label: "cli", ip: null };

const options = {
  incident: { type: "string" },
  email: { type: "string" },
  role: { type: "string" },
  json: { type: "boolean" },
} as const;

type Values = { incident?: string; email?: string; role?: string; json?: boolean };

/** `breachdesk members [add|remove|access] ...`: returns the exit status. */
export async function runMembersCommand(args: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = args;
  const action = first === undefined || first.startsWith("-") ? "list" : first;
  if (!["list", "add", "remove", "access"].includes(action)) {
    io.stderr.write(`Unknown command: members ${args.join(" ")}\n\nUsage:\n${membersUsage}\n`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: action === "list" && first !== "list" ? args : rest,
    options,
    allowPositionals: action === "access",
    strict: true,
  });
  if (!values.incident) throw new AppError("validation", "Missing --incident REF (e.g. BD-2026-0001).");
  if (action === "add") return addMember(values, io);
  if (action === "remove") return removeMember(values, io);
  if (action === "access") return changeAccess(values, positionals, io);
  return withCliDeps(io.env, async (deps) => {
    const incident = await loadIncident(deps.db.prisma, values.incident!);
    printTeam(io, await loadIncidentTeamJson(deps, incident), values.json);
    return 0;
  });
}

async function addMember(values: Values, io: CliIo): Promise<number> {
  const missing = (["email", "role"] as const).filter((key) => !values[key]);
  if (missing.length) throw new AppError("validation", `Missing ${missing.map((m) => `--${m}`).join(", ")}.`);
  const input = parseInput(memberInputSchema, { email: values.email, role: values.role });
  return withCliDeps(io.env, async (deps) => {
    const incident = await loadIncident(deps.db.prisma, values.incident!);
    await addIncidentMember(deps, incident, input, cli);
    return done(io, deps, incident, values.json, `${normaliseEmail(input.email)} is on the team as ${input.role}.`);
  });
}

async function removeMember(values: Values, io: CliIo): Promise<number> {
  if (!values.email) throw new AppError("validation", "Missing --email.");
  const email = normaliseEmail(values.email);
  return withCliDeps(io.env, async (deps) => {
    const incident = await loadIncident(deps.db.prisma, values.incident!);
    const { members } = await loadIncidentTeam(deps, incident);
    const member = members.find((m) => m.user.email === email);
    if (!member) {
      throw new AppError(
        "not_found",
        `${email} is not on the team of ${incident.reference}: "breachdesk members --incident ${incident.reference}" lists it.`,
      );
    }
    await removeIncidentMember(deps, incident, member.userId, cli);
    return done(io, deps, incident, values.json, `${email} is off the team.`);
  });
}

async function changeAccess(values: Values, positionals: string[], io: CliIo): Promise<number> {
  if (positionals.length !== 1) throw new AppError("validation", "Give the access: open or restricted.");
  const input = parseInput(accessInputSchema, { access: positionals[0] });
  return withCliDeps(io.env, async (deps) => {
    const incident = await loadIncident(deps.db.prisma, values.incident!);
    const updated = await setIncidentAccess(deps, incident, input, cli);
    const label = accessLabels[input.access];
    const said = incident.access === input.access ? `already ${label.toLowerCase()}.` : `${label}.`;
    return done(io, deps, updated, values.json, said);
  });
}

/** After a change: the team as it now is with --json, else one line saying what changed. */
async function done(io: CliIo, deps: Deps, incident: Incident, json: boolean | undefined, said: string): Promise<number> {
  if (json) printTeam(io, await loadIncidentTeamJson(deps, incident), true);
  else io.stdout.write(`${incident.reference}: ${said}\n`);
  return 0;
}

function printTeam(io: CliIo, team: Awaited<ReturnType<typeof loadIncidentTeamJson>>, json: boolean | undefined) {
  if (json) {
    io.stdout.write(`${JSON.stringify(team)}\n`);
    return;
  }
  const lines = [`${team.reference}: ${accessLabels[team.access].toLowerCase()}.`];
  if (!team.members.length) lines.push("No one is on the team.");
  const width = (pick: (m: (typeof team.members)[number]) => string) => Math.max(...team.members.map((m) => pick(m).length));
  const nameWidth = width((m) => m.name);
  const emailWidth = width((m) => m.email);
  for (const m of team.members) {
    const since = `${m.addedAt.slice(0, 10)} ${m.addedAt.slice(11, 16)} UTC`;
    lines.push(`${m.role.padEnd(8)}${m.name.padEnd(nameWidth + 2)}${m.email.padEnd(emailWidth + 2)}since ${since}`);
  }
  io.stdout.write(`${lines.join("\n")}\n`);
}
