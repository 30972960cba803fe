// The hosts a rule's primary citation may point at: where the law itself or a regulator's own
// pages are published (decision 0022). Pure.

/**
 * Hosts that publish the law itself or a regulator's own pages (a host matches itself and its
 * subdomains): a citation marked `primary` must point at one of them. Commentary may be anywhere.
 * The list is what the pack cites (a test keeps it so): add a host with the rule that needs it.
 */
export const OFFICIAL_HOSTS = [
  // Governments by domain: US federal and state (.gov: ecfr.gov, govinfo.gov, federalregister.gov,
  // sec.gov, hhs.gov, ftc.gov, dfs.ny.gov, state legislatures such as leginfo.legislature.ca.gov,
  // capitol.texas.gov, ilga.gov), Australia, Canada, Québec, New Zealand, Singapore, Japan,
  // Brazil, India, South Africa, Korea, China.
  "gov",
  "gov.au",
  "gc.ca",
  "gouv.qc.ca",
  "govt.nz",
  "gov.sg",
  "go.jp",
  "gov.br",
  "gov.in",
  "nic.in",
  "gov.za",
  "go.kr",
  "gov.cn",
  // The EU's and the UK's official legislation.
  "eur-lex.europa.eu",
  "legislation.gov.uk",
  // CERT-In (India's national computer emergency response team) publishes its Directions on its own domain.
  "cert-in.org.in",
  // US state and territory legislatures, official code publishers and Attorneys General outside .gov.
  "legislature.state.al.us",
  "leg.state.fl.us",
  "ksrevisor.org",
  "ag.state.la.us",
  "leg.state.nv.us",
  "gencourt.state.nh.us",
  "nmonesource.com",
  "legis.state.pa.us",
  "guamcourts.org",
  "legvi.org",
  // Switzerland's Fedlex, and the other countries' gazettes, legal databases and regulators (issue 17 item 3):
  // the Philippines, Thailand, Indonesia, Vietnam, Malaysia, Saudi Arabia, Türkiye, Nigeria, Colombia
  // by government domain; Kenya Law (the National Council for Law Reporting); Ontario and Alberta.
  "fedlex.admin.ch",
  "gov.ph",
  "go.th",
  "go.id",
  "chinhphu.vn",
  "gov.my",
  "gov.sa",
  "gov.tr",
  "gov.ng",
  "gov.co",
  "kenyalaw.org",
  "ontario.ca",
  "alberta.ca",
] as const;

/** True when the address is https or http on one of OFFICIAL_HOSTS (or a subdomain of one). */
export function isOfficialSourceUrl(url: string): boolean {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return false;
    host = parsed.hostname.toLowerCase();
  } catch {
    return false;
  }
  return OFFICIAL_HOSTS.some((official) => host === official || host.endsWith(`.${official}`));
}
