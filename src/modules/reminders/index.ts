// The reminders module's face: what the worker's job registry and the obligations and campaigns
// modules use. The wiring places import reminders.routes.ts and the *.job.ts files directly.

export { reminderJobs, reminderPeriodicJobs } from "./reminder-jobs.js";
export { describeSpan } from "./reminder-mail.js";
export { reminderFieldsOf } from "./reminder-schedule.js";
export { clearCalendarFeed } from "./reminder-settings.service.js";
