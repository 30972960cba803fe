import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderFormError } from "../../web/forms.js";
import { calendarFeedFor } from "./calendar-feed.service.js";
import { createCalendarFeed, revokeCalendarFeed, saveReminderSettings } from "./reminder-settings.service.js";
import { reminderSettingsSchema } from "./reminders.schemas.js";

const SETTINGS_PATH = "/account/reminders";
const PAGE = "reminders/settings-page";

function pageLocals(res: Response) {
  const user = currentUser(res)!;
  return {
    title: "Reminders and calendar",
    values: { remindersEnabled: user.remindersEnabled, digestHour: user.digestHour === null ? "" : String(user.digestHour) },
    fieldErrors: {},
  };
}

function isConfirmed(req: Request): boolean {
  return (req.body as Record<string, unknown> | undefined)?.confirm === "yes";
}

/** Handlers of the reminder settings, the calendar feed secret and the feed itself. */
export function createRemindersHandlers(deps: Deps) {
  return {
    show(_req: Request, res: Response) {
      res.render(PAGE, pageLocals(res));
    },

    async save(req: Request, res: Response) {
      try {
        const input = parseInput(reminderSettingsSchema, req.body ?? {});
        await saveReminderSettings(deps, currentUser(res)!.id, input, actorOf(req, res));
        flash(req, "success", "Your reminder settings are saved.");
        res.redirect(303, SETTINGS_PATH);
      } catch (error) {
        const values = formValues(req);
        renderFormError(res, PAGE, error, {
          ...pageLocals(res),
          values: { ...values, remindersEnabled: values.remindersEnabled === "on" },
        });
      }
    },

    /** Answers with the page rather than a redirect: the secret URL must not be kept in the session. */
    async createCalendar(req: Request, res: Response) {
      const user = currentUser(res)!;
      try {
        if (user.calendarTokenHash !== null && !isConfirmed(req))
          throw new AppError("validation", "Tick the box to confirm that the current calendar address should stop working.");
        const { token, isRotation } = await createCalendarFeed(deps, user.id, actorOf(req, res));
        res.set("Cache-Control", "no-store");
        res.status(201).render(PAGE, {
          ...pageLocals(res),
          hasCalendar: true,
          newCalendar: { url: `${deps.config.publicUrl}/calendar/${token}.ics`, isRotation },
        });
      } catch (error) {
        renderFormError(res, PAGE, error, pageLocals(res));
      }
    },

    async revokeCalendar(req: Request, res: Response) {
      try {
        if (!isConfirmed(req))
          throw new AppError("validation", "Tick the box to confirm that the calendar address should stop working.");
        await revokeCalendarFeed(deps, currentUser(res)!.id, actorOf(req, res));
        flash(req, "success", "Your calendar address is revoked: calendars that use it get nothing from now on.");
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        flash(req, "error", error.message);
      }
      res.redirect(303, SETTINGS_PATH);
    },

    /** GET /calendar/<secret>.ics: the secret in the path is the only authentication. */
    async feed(req: Request, res: Response) {
      const file = String(req.params.file ?? "");
      if (!file.endsWith(".ics")) throw new AppError("not_found", "There is no such calendar.");
      const body = await calendarFeedFor(deps, file.slice(0, -".ics".length));
      res.set("Cache-Control", "private, no-cache");
      res.set("X-Robots-Tag", "noindex");
      res.type("text/calendar; charset=utf-8").send(body);
    },
  };
}
