// The actions module's face: what other modules may use. The wiring places import
// actions.routes.ts and actions.section.ts directly.

// The Prisma filter for an overdue action, so the incidents list counts them as this module does.
export { overdueWhere } from "./actions.repository.js";
export { findOverdueActions, loadPublicActions } from "./actions.service.js";
export { listActionsForRegister, type RegisterAction } from "./actions-register.service.js";
