import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { actorOf, currentUser, isAllowed } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { loadIncident } from "../incidents/index.js";
import type { Role } from "../users/index.js";
import { listImportFilesToDelete } from "./import-files.service.js";
import { loadPerson } from "./people-browse.service.js";
import {
  importDeletionState,
  loadImportForDeletion,
  deletePerson as removePerson,
  requestImportPeopleDeletion,
} from "./person-deletion.service.js";

const peoplePath = (reference: string) => `/incidents/${encodeURIComponent(reference)}/people`;

/** What a person is called on the pages: their name, else their e-mail, else their external id. */
export function personLabel(person: { givenName: string; familyName: string; email: string | null; externalId: string | null }) {
  return `${person.givenName} ${person.familyName}`.trim() || person.email || person.externalId || "A person without a name";
}

/** The handlers of one person's page and its deletion, and of the deletion of an import's people. */
export function createPersonHandlers(deps: Deps) {
  const load = async (req: Request) => {
    const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
    return { incident, ...(await loadPerson(deps, incident, String(req.params.personId))) };
  };

  const renderImportDeletion = async (req: Request, res: Response, error = "") => {
    const { incident, upload } = await loadImportForDeletion(deps, String(req.params.ref), String(req.params.importId));
    const state = await importDeletionState(deps, upload);
    res.render("people/delete-import", {
      title: `Delete the people of ${upload.fileName} · ${incident.reference}`,
      incident,
      upload,
      ...state,
      filesToDelete: await listImportFilesToDelete(deps.db, incident.id),
      error,
      peoplePath: peoplePath(incident.reference),
    });
  };

  return {
    async show(req: Request, res: Response) {
      const data = await load(req);
      res.render("people/person", {
        ...data,
        title: `${personLabel(data.person)} · ${data.incident.reference}`,
        label: personLabel(data.person),
        canEdit: isAllowed(currentUser(res)?.role as Role | undefined, "manager"),
        viewerZone: currentUser(res)?.timeZone ?? "UTC",
        peoplePath: peoplePath(data.incident.reference),
      });
    },

    async confirmDelete(req: Request, res: Response) {
      const { incident, person } = await load(req);
      res.render("people/delete-person", {
        title: `Delete ${personLabel(person)} · ${incident.reference}`,
        incident,
        person,
        filesToDelete: await listImportFilesToDelete(deps.db, incident.id),
        label: personLabel(person),
        peoplePath: peoplePath(incident.reference),
      });
    },

    async delete(req: Request, res: Response) {
      const { incident, person } = await removePerson(
        deps,
        String(req.params.ref),
        String(req.params.personId),
        actorOf(req, res),
      );
      flash(req, "success", `${personLabel(person)} is deleted from ${incident.reference}.`);
      res.redirect(303, peoplePath(incident.reference));
    },

    /** The deletion of an import's people: the confirmation, or its progress while the job runs. */
    async showImportDeletion(req: Request, res: Response) {
      await renderImportDeletion(req, res);
    },

    async deleteImportPeople(req: Request, res: Response) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.confirm !== "yes") {
        return renderImportDeletion(req, res.status(400), "Tick the box to confirm that these people are to be deleted.");
      }
      try {
        const { upload, count } = await requestImportPeopleDeletion(
          deps,
          String(req.params.ref),
          String(req.params.importId),
          actorOf(req, res),
        );
        flash(req, "success", `Deleting the ${count} ${count === 1 ? "person" : "people"} of ${upload.fileName}.`);
        res.redirect(303, `${peoplePath(String(req.params.ref).toUpperCase())}/imports/${upload.id}/delete`);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "conflict") throw error;
        await renderImportDeletion(req, res.status(409), error.message);
      }
    },
  };
}
