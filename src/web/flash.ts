import type { Request } from "express";
import type { FlashMessage } from "./session.js";

/** Queues a message for the next page this session sees (after a redirect). */
export function flash(req: Request, type: FlashMessage["type"], text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { type, text }];
}

/** Takes the queued messages, so each is shown once. */
export function takeFlash(req: Request): FlashMessage[] {
  const messages = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  return messages;
}
