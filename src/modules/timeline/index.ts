// The timeline module's face: what other modules, app.ts and the API may use. The repository is
// the module's own. The wiring places import timeline.routes.ts and timeline.section.ts directly.

export { addTimelineEvent, loadTimelineEvents, recordTimelineEvent } from "./timeline.service.js";
export { timelineKinds } from "./timeline-kinds.policy.js";
export { timelineUploadBody } from "./timeline-upload.middleware.js";
