import type { NextFunction, Request, Response } from "express";
import { type WorkspacePage, workspaceAddressOf } from "../../web/incident-section.js";

/**
 * Sends a redirect to a section of the one-page incident view (`/incidents/<ref>#systems`, as
 * the modules' handlers write it after a form) to the workspace page that holds the section
 * (`/incidents/<ref>/scope#systems`), so the user comes back to the page the form is on. The
 * modules name the section they changed; which page shows it is the workspace's business
 * (decision 0011). Express's res.redirect sets its Location through res.location.
 */
export function workspaceRedirects(pages: WorkspacePage[]) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const setLocation = res.location.bind(res);
    res.location = (address: string) => setLocation(workspaceAddressOf(pages, address));
    next();
  };
}
