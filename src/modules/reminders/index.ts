// The reminders module's face: what the worker's job registry and the obligations and campaigns
// modules use. The wiring places import reminders.routes.ts and the *.job.ts files directly.

export { reminderMessageId, reminderRecipients } from "./reminder.service.js";
export { describeSpan } from "./reminder-mail.policy.js";
export { rescheduleReminders } from "./reminder-reschedule.service.js";
export { clearCalendarFeed } from "./reminder-settings.service.js";
export { reminderJobs, reminderPeriodicJobs } from "./reminder-sweeps.job.js";
