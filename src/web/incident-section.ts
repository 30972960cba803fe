import type { Deps } from "../deps.js";
import type { Incident, User } from "../generated/sqlite/client.js";

/**
 * A section of the incident workspace (timeline, systems, data, actions, ...). Each domain
 * module exports one: a workspace page loads its sections' data and includes their partials,
 * so a module adds to the workspace without the incidents module knowing its internals.
 */
export interface IncidentSection {
  /** The anchor of the section on its page, e.g. "timeline". */
  id: string;
  title: string;
  /** The EJS partial, relative to views/, e.g. "incidents/sections/timeline". */
  view: string;
  /** Loads what the partial shows. The viewer is the signed-in user (their zone, their role). */
  load(deps: Deps, incident: Incident, viewer: User): Promise<Record<string, unknown>>;
}

/**
 * One page of the incident workspace: a URL of its own (/incidents/<ref>/<slug>; the overview's
 * slug is empty), its sections in page order, and the anchor prefixes of the records its
 * sections show (e.g. "event-" for a timeline entry), so a link or redirect to an anchor finds
 * its page.
 */
export interface WorkspacePage {
  slug: string;
  /** The tab's word, e.g. "Scope". */
  label: string;
  /** The page's heading, e.g. "Scope: systems, data and people". */
  title: string;
  /** One sentence under the page's heading: what the page is for. */
  intro: string;
  sections: IncidentSection[];
  anchorPrefixes: string[];
}

/** The address of a workspace page of an incident, with an anchor when one is given. */
export function workspacePath(reference: string, slug: string, anchor = ""): string {
  const base = `/incidents/${encodeURIComponent(reference)}${slug ? `/${slug}` : ""}`;
  return anchor ? `${base}#${anchor}` : base;
}

/** The page that holds an anchor of the one-page incident view ("systems", "event-<id>"), or undefined. */
export function pageOfAnchor(pages: WorkspacePage[], anchor: string): WorkspacePage | undefined {
  return (
    pages.find((page) => page.sections.some((section) => section.id === anchor)) ??
    pages.find((page) => page.slug === anchor) ??
    pages.find((page) => page.anchorPrefixes.some((prefix) => anchor.startsWith(prefix)))
  );
}

/**
 * Where a redirect to the one-page incident view's anchor goes now: `/incidents/<ref>#systems`
 * becomes `/incidents/<ref>/scope#systems`, so after a form the user is back on the page the
 * form lives on. Any other address is returned as it is.
 */
export function workspaceAddressOf(pages: WorkspacePage[], address: string): string {
  const match = /^\/incidents\/([^/?#]+)(\?[^#]*)?#([\w-]+)$/.exec(address);
  if (!match) return address;
  const [, reference, query = "", anchor] = match as unknown as [string, string, string | undefined, string];
  const page = pageOfAnchor(pages, anchor);
  if (!page || !page.slug) return address;
  return `/incidents/${reference}/${page.slug}${query}#${anchor}`;
}
