// The account module's face: the credential review, which app.ts passes to the users module's
// pages (the administrators' user page shows and revokes a user's API tokens and calendar
// feed). The account module sits above users, api-tokens and reminders; the wiring places
// import account.routes.ts directly.

// Sessions a user can see and end (decision 0028): the API's /me endpoints use these.
export { endUserSession, listUserSessions, type SessionView } from "./account-sessions.service.js";
export { credentialsReview } from "./credential-review.service.js";
export { recordSessionClient } from "./session-client.middleware.js";
