import type { Request, Response } from "express";
import { DateTime } from "luxon";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { isValidZone } from "../../lib/instants.js";
import { currentUser } from "../../web/access.js";
import { type AuditFilter, loadAuditLogPage, verifyAuditChain } from "./audit.service.js";
import { auditAnchorPath } from "./audit-key.service.js";
import { describeAuditEntries } from "./audit-words.service.js";

const PAGE_SIZE = 50;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, 200) : undefined;
}

/** A YYYY-MM-DD date from the filter form as the start of that day in the reader's zone; ignores anything else. */
function day(value: unknown, zone: string, plusDays = 0): Date | undefined {
  const raw = text(value);
  if (!raw) return undefined;
  const parsed = DateTime.fromISO(raw, { zone });
  return parsed.isValid ? parsed.startOf("day").plus({ days: plusDays }).toJSDate() : undefined;
}

export function createAuditHandlers(deps: Deps) {
  return {
    async list(req: Request, res: Response) {
      const zone = currentUser(res)?.timeZone ?? "UTC";
      const readerZone = isValidZone(zone) ? zone : "UTC";
      const filter: AuditFilter = {
        actor: text(req.query.actor),
        action: text(req.query.action),
        entityType: text(req.query.entityType),
        entityId: text(req.query.entityId),
        from: day(req.query.from, readerZone),
        to: day(req.query.to, readerZone, 1),
      };
      const page = Math.max(1, Math.min(100_000, Number.parseInt(String(req.query.page ?? "1"), 10) || 1));
      const { entries, total, facets } = await loadAuditLogPage(deps.db, filter, {
        take: PAGE_SIZE,
        skip: (page - 1) * PAGE_SIZE,
      });
      const query = Object.fromEntries(
        ["actor", "action", "entityType", "entityId", "from", "to"].map((k) => [k, text(req.query[k]) ?? ""]),
      );
      res.render("audit/list", {
        title: "Audit log",
        entries: await describeAuditEntries(deps.db.prisma, entries),
        readerZone,
        total,
        page,
        pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        query,
        facets,
      });
    },

    async verify(_req: Request, res: Response) {
      const title = "Audit chain verification";
      try {
        const result = await verifyAuditChain(deps.db, { anchorPath: auditAnchorPath(deps.config) });
        res.status(result.break ? 409 : 200).render("audit/verify", { title, result, unavailable: null });
      } catch (error) {
        // No key, a wrong key, an unreadable file: the chain cannot be checked, which is neither verdict.
        if (!(error instanceof AppError) || error.code !== "unavailable") throw error;
        res.status(503).render("audit/verify", { title, result: null, unavailable: error.message });
      }
    },
  };
}
