import type { DbOrTx } from "../../db/client.js";

/** The job kind that deletes an import's people (the jobs are keyed `<kind>:<import id>:<requested at>`). */
export const DELETE_IMPORT_PEOPLE_JOB = "people.delete_import";

/** The deletion job of an import's people that is queued or running, if any. */
export function findActiveImportDeletion(db: DbOrTx, importId: string) {
  return db.job.findFirst({
    where: {
      kind: DELETE_IMPORT_PEOPLE_JOB,
      key: { startsWith: `${DELETE_IMPORT_PEOPLE_JOB}:${importId}:` },
      status: { in: ["queued", "running"] },
    },
  });
}
