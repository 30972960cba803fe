// Runs one recorded people import in a process of its own, as a worker would, so that a test
// can kill it part-way (a crashed worker).
// Usage: run-people-import.ts DATABASE_URL IMPORT_ID BATCH_ROWS NOW(ISO 8601, the fixed clock)
import { openDatabase } from "../../src/db/client.js";
import { fixedClock } from "../../src/lib/clock.js";
import { importPeopleFile } from "../../src/modules/people/import.service.js";

const [url, importId, batchRows, now] = process.argv.slice(2);
const db = await openDatabase(url!);
try {
  const clock = fixedClock(new Date(now!));
  await importPeopleFile({ db, clock }, { importId: importId!, batchRows: Number(batchRows) });
} finally {
  await db.close();
}
