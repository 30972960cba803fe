// An audit entry in words: "Ana applied EU-GDPR-33 to BD-2016-0001". The pages that people read
// (the dashboard, an incident's evidence, the audit log) say what happened; the action code,
// the record's id and the before/after JSON stay in each entry's detail view and in the API.
import { isTriggerCode, TRIGGER_CODES } from "../deadlines/index.js";

/** The fields of an audit entry the words are made from. */
export interface AuditEntryFacts {
  action: string;
  entityType: string;
  entityId: string | null;
  actorId: string | null;
  actorLabel: string;
  incidentId: string | null;
  before: string | null;
  after: string | null;
}

/** Names the log refers to by id: users (actors and users changed) and incidents. */
export interface AuditNames {
  users: Map<string, string>;
  incidents: Map<string, string>;
}

/** A piece of the sentence: text, or the incident's reference (the page makes it a link). */
export type AuditPart = { text: string } | { incident: string };

export interface AuditWords {
  /** Who did it: the user's name, or the actor as recorded ("system" reads "Breachdesk"). */
  who: string;
  /** What they did, the incident's reference kept apart so that it can be a link; no final stop. */
  parts: AuditPart[];
  /** The whole sentence as plain text, with its final stop. */
  sentence: string;
}

type State = Record<string, unknown>;
type Phrase = (after: State, before: State, names: AuditNames, entityId: string | null) => string;

const statusWords: Record<string, string> = {
  detected: "detected",
  investigating: "investigating",
  contained: "contained",
  assessing: "assessing",
  notifying: "notifying",
  closed: "closed",
  closed_not_notifiable: "closed: not notifiable",
};
const obligationStatusWords: Record<string, string> = {
  met: "met",
  not_required: "not required",
  late: "late",
  pending: "pending again",
};
const campaignVerbs: Record<string, string> = {
  approve: "approved",
  start: "started",
  schedule: "scheduled",
  unschedule: "took back the schedule of",
  pause: "paused",
  resume: "resumed",
  cancel: "cancelled",
  complete: "completed",
  auto_pause: "paused (too many errors)",
  retry_failed: "queued again the failed notices of",
  failed: "recorded the failure of",
};

const str = (value: unknown): string => (typeof value === "string" ? value : typeof value === "number" ? String(value) : "");
const quoted = (value: unknown): string => (str(value) ? ` "${str(value)}"` : "");
/** A rule's id, or "a rule" when the entry does not name one. */
const rule = (value: unknown): string => str(value) || "a rule";
const triggerPhrase = (code: unknown): string => {
  const text = str(code);
  return isTriggerCode(text) ? TRIGGER_CODES[text].phrase : text.replaceAll("_", " ");
};
/** "1 session", "2 sessions". */
const ssoRefusals: Record<string, string> = {
  no_email: "no verified e-mail address",
  domain: "e-mail domain not allowed",
  no_role: "no group that gives a role",
  not_linked: "an account with that address exists and is not linked",
  linked_elsewhere: "that account is linked to another subject",
  deactivated: "account deactivated",
};
const counted = (value: unknown, noun: string): string => `${str(value)} ${noun}${value === 1 ? "" : "s"}`;
const userNamed = (names: AuditNames, id: string | null, fallback: unknown = ""): string =>
  (id && names.users.get(id)) || str(fallback) || "a user";

/** The law's delays and extensions recorded on an obligation (obligations' deadline-delay.policy.ts). */
const delayWords: Record<string, string> = {
  law_enforcement_delay: "a law-enforcement delay",
  attorney_general_determination: "an Attorney General determination",
  extension_granted: "an extension granted",
  delay_lifted: "the lifting of a delay",
};

/** The phrases by action code; "{incident}" is where the incident's reference goes. */
const phrases: Record<string, Phrase> = {
  "incident.create": (a) => `recorded {incident}${str(a.title) ? `: ${str(a.title)}` : ""}`,
  "incident.update": (a) => `changed the details of {incident}${Object.keys(a).length ? ` (${Object.keys(a).join(", ")})` : ""}`,
  "incident.transition": (a, b) =>
    `moved {incident} from ${statusWords[str(b.status)] ?? str(b.status)} to ${statusWords[str(a.status)] ?? str(a.status)}`,
  "incident.location": (a) => `set where the organisation of {incident} is: ${str(a.location) || "nowhere"}`,
  "obligation.apply": (a) => `applied ${rule(a.ruleId)} to {incident}`,
  "obligation.reapply": (a) => `applied ${rule(a.ruleId)} again to {incident}, with the rule pack's current terms`,
  "obligation.auto_met": (a, b) => `recorded ${rule(a.ruleId ?? b.ruleId)} met on {incident}, by the work recorded`,
  "obligation.remove": (_a, b) => `removed ${rule(b.ruleId)} from {incident}`,
  "incident.status_propose": (a) =>
    `proposed moving {incident} to ${statusWords[str(a.proposedStatus)] ?? str(a.proposedStatus)}${str(a.because) ? ` (${str(a.because)})` : ""}`,
  "incident.status_proposal_keep": () => "kept the status of {incident}, refusing the proposed one",
  "incident.member_add": (a) => `put ${str(a.email)} on the team of {incident} as ${str(a.role)}`,
  "incident.member_role": (a, b) => `made ${str(a.email)} ${str(a.role)} on {incident} (was ${str(b.role)})`,
  "incident.member_remove": (_a, b) => `took ${str(b.email) || "a user"} off the team of {incident}`,
  "incident.access": (a) => (a.access === "open" ? "opened {incident} to every user" : "restricted {incident} to its team"),
  "person.risk_rule_apply": (a) =>
    `ruled who is at risk in {incident} from its assessment${str(a.changed) ? ` (${str(a.changed)} people changed)` : ""}`,
  "person.risk_set": () => "set whether an affected person of {incident} is at risk",
  "person.told_another_way": (a) =>
    `recorded ${str(a.count) || "some"} people of {incident} as told another way${str(a.channel) ? ` (${str(a.channel)})` : ""}`,
  "person_import.rejected_resolve": (a) => `settled the rejected rows of${quoted(a.fileName)} in {incident}`,
  "person_import.risk_set": (a) => `set who is at risk among the people of${quoted(a.fileName)} in {incident}`,
  "organisation.update": () => "changed the organisation's profile",
  "organisation_applicability.update": () => "changed who the law reaches (where the organisation is established, what it is)",
  "incident_organisation.update": () => "changed the sender and contact point of {incident}",
  "statement.create": (a) => `drafted the statement for ${rule(a.ruleId)} of {incident}`,
  "statement.save": (a) => `saved version ${str(a.version)} of the statement for ${rule(a.ruleId)} of {incident}`,
  "public_report.draft_save": () => "saved the draft of the public report of {incident}",
  "public_report.publish": (a) => `published version ${str(a.version)} of the public report of {incident}`,
  "public_report.unpublish": (a) => `took down the public report of {incident} (version ${str(a.version)} was shown)`,
  "statement.submit": (a) => `recorded the statement for ${rule(a.ruleId)} of {incident} as submitted`,
  "evidence_file.upload": (a) => `added the evidence file${quoted(a.fileName)} to {incident}`,
  "evidence_pack.build": (a) =>
    `built an evidence pack of {incident}, ${a.includesPersonalData === true ? "with" : "without"} personal data (manifest SHA-256 ${str(a.manifestSha256)})`,
  "evidence_file.delete": (a) => `deleted the content of the evidence file${quoted(a.fileName)} of {incident} (${str(a.reason)})`,
  "incident.retention_set": (a) =>
    `set how long the affected people's data of {incident} is kept${str(a.daysAfterClose) ? ` (${str(a.daysAfterClose)} days after closing)` : ""}`,
  "incident.legal_hold_set": (a) => `put {incident} on legal hold${str(a.reason) ? ` (${str(a.reason)})` : ""}`,
  "incident.legal_hold_lift": () => "lifted the legal hold on {incident}",
  "incident.purge": (a) =>
    `purged the affected people's data of {incident} (${str(a.people) || "0"} people, ${str(a.deliveries) || "0"} deliveries kept with a hashed address)`,
  "obligation.delay": (a) =>
    `recorded ${delayWords[str(a.kind)] ?? str(a.kind)} on ${rule(a.ruleId)} of {incident}${str(a.agency) ? ` (${str(a.agency)})` : ""}: ${a.dueAt ? `due ${str(a.dueAt)}` : "no due instant until the delay is lifted"}${a.originalDueAt ? `, originally ${str(a.originalDueAt)}` : ""}`,
  "obligation.status": (a) => `marked ${rule(a.ruleId)} ${obligationStatusWords[str(a.status)] ?? str(a.status)} on {incident}`,
  "clock_event.record": (a) => `recorded the clock event "${triggerPhrase(a.code)}" on {incident}`,
  "clock_event.change": (a) => `changed the clock event "${triggerPhrase(a.code)}" on {incident}`,
  "assessment.record": (a) =>
    `recorded a risk assessment of {incident}${str(a.seriousHarmLikely) ? ` (serious harm ${str(a.seriousHarmLikely)})` : ""}`,
  "decision.record": decisionPhrase,
  "decision.change": decisionPhrase,
  "timeline.event_add": (a) =>
    `added ${str(a.kind) ? `${/^[aeiou]/.test(str(a.kind)) ? "an" : "a"} ${str(a.kind)} event` : "an event"} to the timeline of {incident}`,
  "timeline.event_correct": () => "corrected an entry of the timeline of {incident}",
  "timeline.import_upload": (a) => `uploaded${quoted(a.fileName)} to import timeline events into {incident}`,
  "timeline.import": (a) => `imported ${str(a.count) || "the"} timeline events into {incident}`,
  "affected_system.create": (a) => `added the system${quoted(a.name)} to {incident}`,
  "affected_system.update": (a) => `changed the system${quoted(a.name)} of {incident}`,
  "incident_data.add": (a) => `recorded ${str(a.category) || "a data category"} as involved in {incident}`,
  "incident_data.update": (a) => `changed what {incident} records of ${str(a.category) || "a data category"}`,
  "incident_data.remove": (_a, b) => `removed ${str(b.category) || "a data category"} from {incident}`,
  "remedial_action.create": (a) => `added the action${quoted(a.title)} to {incident}`,
  "remedial_action.update": (a) =>
    `changed the action${quoted(a.title)} of {incident}${str(a.status) ? ` (now ${str(a.status).replace("_", " ")})` : ""}`,
  "notice_template.create": (a) => `started the notice${quoted(a.name)} of {incident}`,
  "notice_template.update": (a) => `changed the settings of the notice${quoted(a.name)} of {incident}`,
  "notice_template_version.create": (a) =>
    `saved ${str(a.version) ? `version ${str(a.version)}` : "a version"}${str(a.language) ? ` (${str(a.language)})` : ""} of a notice of {incident}`,
  "notice_template_version.send_test": () => "sent a test notice of {incident}",
  "campaign.create": (a) => `created the campaign${quoted(a.name)} of {incident}`,
  "campaign.fanned_out": (a) =>
    `wrote the last of the ${str(a.written) ? `${str(a.written)} ` : ""}deliveries of the campaign${quoted(a.name)} of {incident}`,
  "campaign.fan_out_stopped": (a) =>
    `stopped writing the deliveries of the cancelled campaign${quoted(a.name)} of {incident} after ${str(a.written) || "some"}`,
  "campaign.statement_override": (a) =>
    `started the campaign${quoted(a.name)} of {incident} although its notice differs from the statement to the regulator (reason: ${str(a.reason) || "none given"})`,
  "delivery.told_otherwise": (a) =>
    `recorded ${str(a.count) || "some"} people of {incident} as told another way${str(a.channel) ? ` (${str(a.channel)})` : ""}`,
  "delivery.reports": () => "recorded bounce and complaint reports about notices of {incident}",
  "bounced_address.lift": () => "lifted a suppressed address in {incident}",
  "person.delete": () => "deleted an affected person's record from {incident}",
  "person_import.start": (a) => `started importing${quoted(a.fileName)} into {incident}`,
  "person_import.finish": (a) => `finished importing${quoted(a.fileName)} into {incident}`,
  "person_import.cancel": () => "cancelled an import of people into {incident}",
  "user.setup": (a, _b, n, id) => `set Breachdesk up, with ${userNamed(n, id, a.email)} as its first administrator`,
  "user.create": (a, _b, n, id) => `added the user ${userNamed(n, id, a.email)}`,
  "user.invite": (_a, _b, n, id) => `sent ${userNamed(n, id)} an invitation`,
  "user.role_change": (a, _b, n, id) =>
    `made ${userNamed(n, id)} ${str(a.role) === "admin" ? "an administrator" : `a ${str(a.role)}`}`,
  "user.deactivate": (_a, _b, n, id) => `deactivated ${userNamed(n, id)}`,
  "user.reactivate": (_a, _b, n, id) => `reactivated ${userNamed(n, id)}`,
  "user.password_set": (_a, _b, n, id) => `set a new password for ${userNamed(n, id)}`,
  "user.account_update": () => "changed their name or time zone",
  "user.reminders_update": () => "changed their reminder settings",
  "auth.login": (a) =>
    `${a.secondFactor === "recovery code" ? "signed in with a recovery code" : "signed in"}${a.via === "sso" ? " through single sign-on" : ""}`,
  "auth.sso_refused": (a) => `was refused single sign-on (${ssoRefusals[str(a.reason)] ?? str(a.reason)})`,
  "user.sso_link": (_a, _b, n, id) => `linked ${userNamed(n, id)} to their single sign-on account by e-mail address`,
  "auth.logout": () => "signed out",
  "auth.login_failed": () => "failed to sign in",
  "api_token.create": (a) =>
    `created ${a.scope === "read_only" ? "a read-only" : "an"} API token${str(a.expiresAt) ? ` (it expires ${str(a.expiresAt).slice(0, 16).replace("T", " ")} UTC)` : ""}`,
  "api_token.revoke": () => "revoked an API token",
  "auth.code_failed": () => "entered a wrong two-factor code while signing in",
  "auth.two_factor_on": () => "switched on two-factor sign-in",
  "auth.two_factor_off": () => "switched off two-factor sign-in",
  "auth.recovery_codes_new": () => "made new recovery codes for two-factor sign-in",
  "auth.two_factor_reset": (_a, _b, n, id) => `reset the two-factor sign-in of ${userNamed(n, id)}`,
  "data_category.create": (a) => `added the data category${quoted(a.name)}`,
  "delivery_event.review": () => "marked a bounce report reviewed",
  "session.end": (a) => `ended a session (${str(a.client)})`,
  "auth.new_client": (a) =>
    `signed in from a new client (${str(a.client)}, ${str(a.ip)})${a.isMailed === true ? " and was told by e-mail" : ""}`,
  "user.signed_out_everywhere": (a, _b, n, id) =>
    `signed ${userNamed(n, id)} out everywhere (${counted(a.sessionsEnded, "session")} ended, ${counted(a.apiTokensRevoked, "API token")} revoked)`,
};

function decisionPhrase(a: State): string {
  const regimes = Array.isArray(a.regimes) ? a.regimes.map(str) : safeList(a.regimes);
  const under = regimes.length ? ` under ${regimes.join(", ")}` : "";
  return a.isNotifiable === true ? `decided {incident} is notifiable${under}` : `decided {incident} is not notifiable${under}`;
}

function safeList(value: unknown): string[] {
  try {
    const parsed = JSON.parse(str(value)) as unknown;
    return Array.isArray(parsed) ? parsed.map(str) : [];
  } catch {
    return [];
  }
}

function parseState(json: string | null): State {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as State) : {};
  } catch {
    return {};
  }
}

/** A code no phrase knows, in words: "obligation.snooze_reminders" reads "recorded a change to an obligation of BD-... (snooze reminders)". */
function fallbackPhrase(entry: AuditEntryFacts): string {
  const [domain = "", verb = ""] = entry.action.split(".");
  const thing = (entry.entityType || domain).replaceAll("_", " ");
  const onIncident =
    entry.incidentId && entry.entityType !== "incident" ? " of {incident}" : entry.entityType === "incident" ? " {incident}" : "";
  return `recorded a change to ${/^[aeiou]/.test(thing) ? "an" : "a"} ${thing}${onIncident}${verb ? ` (${verb.replaceAll("_", " ")})` : ""}`;
}

/** Who made the change, in words. */
function whoOf(entry: AuditEntryFacts, names: AuditNames): string {
  if (entry.actorId && names.users.has(entry.actorId)) return names.users.get(entry.actorId) as string;
  if (entry.actorLabel === "system") return "Breachdesk";
  if (entry.actorLabel === "cli") return "The command line";
  return entry.actorLabel;
}

/** One entry in words, with the incident's reference kept apart so that the page can link it. */
export function describeAuditEntry(entry: AuditEntryFacts, names: AuditNames): AuditWords {
  const after = parseState(entry.after);
  const before = parseState(entry.before);
  const campaignAction = /^campaign\.(.+)$/.exec(entry.action)?.[1];
  const phrase =
    phrases[entry.action]?.(after, before, names, entry.entityId) ??
    (campaignAction && campaignVerbs[campaignAction]
      ? `${campaignVerbs[campaignAction]} the campaign${quoted(after.name ?? before.name)} of {incident}`
      : fallbackPhrase(entry));
  const reference = entry.incidentId ? names.incidents.get(entry.incidentId) : undefined;
  const parts: AuditPart[] = [];
  phrase.split("{incident}").forEach((text, index) => {
    if (index > 0) parts.push(reference ? { incident: reference } : { text: "an incident" });
    if (text) parts.push({ text });
  });
  const who = whoOf(entry, names);
  const sentence = `${who} ${parts.map((p) => ("text" in p ? p.text : p.incident)).join("")}.`;
  return { who, parts, sentence };
}
