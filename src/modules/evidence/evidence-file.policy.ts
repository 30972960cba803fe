// Pure rules about evidence files: what a file may be linked to, the name a download is offered
// under, and sizes in words.
import { AppError } from "../../lib/errors.js";

/** What an evidence file may be evidence of, besides the incident itself. */
export const LINK_KINDS = ["event", "system", "decision", "statement", "obligation"] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const linkKindLabels: Record<LinkKind, string> = {
  event: "Timeline entry",
  system: "System",
  decision: "Decision",
  statement: "Statement to a regulator",
  obligation: "Obligation",
};

/** A record a file can be linked to: its kind, id and how the form and the list name it. */
export interface LinkChoice {
  kind: LinkKind;
  id: string;
  label: string;
}

/** The link as a form sends it: "<kind>:<id>", or "" for the incident itself. */
export function parseLinkValue(value: string): { kind: LinkKind; id: string } | null {
  const at = value.indexOf(":");
  if (at < 0) return null;
  const kind = value.slice(0, at) as LinkKind;
  const id = value.slice(at + 1);
  return LINK_KINDS.includes(kind) && id ? { kind, id } : null;
}

/** Where a linked record is shown in the workspace. */
export function linkHref(reference: string, kind: LinkKind, id: string): string {
  const ref = `/incidents/${encodeURIComponent(reference)}`;
  const key = encodeURIComponent(id);
  switch (kind) {
    case "event":
      return `${ref}/timeline#event-${key}`;
    case "system":
      return `${ref}/scope#system-${key}`;
    case "decision":
      return `${ref}/assessment#decision-${key}`;
    case "statement":
      return `${ref}/statements/${key}`;
    case "obligation":
      return `${ref}/deadlines#obligation-${key}`;
  }
}

/**
 * The name a download is offered under: the uploaded name's last part (no folders), letters,
 * digits and . _ - ( ) and spaces kept, anything else (quotes, control characters, slashes,
 * non-ASCII) as "_", no leading dot, at most 120 characters; "evidence" when nothing is left.
 */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? "";
  const kept = last
    .replace(/[^A-Za-z0-9._() -]/g, "_")
    .replace(/^[.\s]+/, "")
    .trim();
  return kept.slice(-120) || "evidence";
}

/** The name as uploaded, kept for the record: its last part, without control characters, at most 255 characters. */
export function recordedFileName(name: string): string {
  const parts = [...(name.split(/[\\/]/).pop() ?? "")];
  const last = parts
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join("")
    .trim();
  return last.slice(-255) || "evidence";
}

/** A size in words: "812 bytes", "1.4 KiB", "3.0 MiB", "1.2 GiB". */
export function describeSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** The limit as people read it: "1 GiB", "500 MiB". */
export function describeLimit(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

/** The refusal of a file over the limit, naming it and the setting. */
export function tooLargeMessage(mib: number): string {
  return `The file is larger than the limit of ${describeLimit(mib)} (EVIDENCE_MAX_MIB); nothing was kept. Split it, or ask an administrator to raise the limit.`;
}

/** A file over EVIDENCE_MAX_MIB: a validation refusal answered with 413 (Payload Too Large). */
export class EvidenceTooLargeError extends AppError {
  constructor(mib: number) {
    super("validation", tooLargeMessage(mib), { file: `Choose a file of at most ${describeLimit(mib)}.` });
  }

  override get status(): number {
    return 413;
  }
}
