import type { Deps } from "../deps.js";
import type { Incident, User } from "../generated/sqlite/client.js";

/**
 * A section of the incident page (timeline, systems, data, actions, ...). Each domain module
 * exports one: the page loads every section's data and includes its partial, so a module
 * adds to the incident page without the incidents module knowing its internals.
 */
export interface IncidentSection {
  /** The anchor of the section on the page, e.g. "timeline". */
  id: string;
  title: string;
  /** The EJS partial, relative to views/, e.g. "incidents/sections/timeline". */
  view: string;
  /** Loads what the partial shows. The viewer is the signed-in user (their zone, their role). */
  load(deps: Deps, incident: Incident, viewer: User): Promise<Record<string, unknown>>;
}
