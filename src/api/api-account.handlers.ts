import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { endUserSession, listUserSessions } from "../modules/account/index.js";
import { listUserApiTokens, revokeApiToken } from "../modules/api-tokens/index.js";
import { apiActor, apiCallerOf } from "./api-auth.js";

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/** The token owner's own sessions and API tokens: list them, end one. */
export function createApiAccountHandlers(deps: Deps) {
  return {
    async listSessions(_req: Request, res: Response) {
      const rows = await listUserSessions(deps, apiCallerOf(res).user.id);
      res.json({
        sessions: rows.map(({ isCurrent: _, ...s }) => ({ ...s, startedAt: iso(s.startedAt), lastSeenAt: iso(s.lastSeenAt) })),
      });
    },

    async endSession(req: Request, res: Response) {
      await endUserSession(deps, apiActor(req, res), apiCallerOf(res).user.id, String(req.params.id));
      res.status(204).end();
    },

    async listTokens(_req: Request, res: Response) {
      const rows = await listUserApiTokens(deps, apiCallerOf(res).user.id);
      res.json({
        tokens: rows.map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.prefix,
          scope: t.scope,
          createdAt: iso(t.createdAt),
          lastUsedAt: iso(t.lastUsedAt),
          expiresAt: iso(t.expiresAt),
          revokedAt: iso(t.revokedAt),
        })),
      });
    },

    async revokeToken(req: Request, res: Response) {
      const caller = apiCallerOf(res);
      await revokeApiToken(deps, String(req.params.id), apiActor(req, res), { ownerId: caller.user.id });
      res.status(204).end();
    },
  };
}
