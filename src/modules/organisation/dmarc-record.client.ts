import { createRequire } from "node:module";

/** A DNS lookup as mailauth calls it: (name, record type) -> the records. */
export type DnsLookup = (name: string, type: string) => Promise<unknown>;

const require = createRequire(import.meta.url);

/**
 * mailauth's DMARC record lookup (no typings of its own): the record at _dmarc.<domain>, else at
 * its organisational domain's (the public-suffix list through tldts), parsed into its tags with
 * `rr` (the record) and `isOrgRecord`; false when there is none. DNS failures other than "no
 * such record" are thrown.
 */
export const getDmarcRecord = require("mailauth/lib/dmarc/get-dmarc-record.js") as (
  domain: string,
  resolver: DnsLookup,
) => Promise<Record<string, unknown> | false>;
