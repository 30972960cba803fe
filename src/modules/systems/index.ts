// The systems module's face: what the breach register and the public report use. The wiring
// places import systems.routes.ts and systems.section.ts directly.

export { loadPublicSystems } from "./systems.service.js";
export { listSystemsForRegister, type RegisterSystem } from "./systems-register.service.js";
