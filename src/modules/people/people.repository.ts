/** The queries of the people section. */

// The import's queries live in its repository; the people pages read these two from here too.
export { findImportOfIncident, listRecentImports } from "./person-import.repository.js";
