import { isIP } from "node:net";
import UAParser from "ua-parser-js";

// What the account page and the new-client e-mail say about a session's client, from its
// User-Agent header (ua-parser-js) and its address. Pure: no I/O.

/** The longest User-Agent kept with a session: enough for every real browser, not a dump. */
export const USER_AGENT_MAX = 400;

/** "Firefox 133 on Linux", "Safari on iOS 17", or "Unknown client" for an empty or unparseable header. */
export function describeClient(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown client";
  const { browser, os } = new UAParser(userAgent).getResult();
  const app = browser.name ? `${browser.name}${browser.major ? ` ${browser.major}` : ""}` : null;
  const system = os.name ? `${os.name}${os.version ? ` ${os.version.split(".")[0]}` : ""}` : null;
  if (app && system) return `${app} on ${system}`;
  return app ?? system ?? userAgent.slice(0, 60);
}

/** The network an address belongs to: its /24 for IPv4, its /48 for IPv6, "unknown network" otherwise. */
export function networkOf(ip: string | null | undefined): string {
  const address = (ip ?? "").replace(/^::ffff:/, "");
  if (isIP(address) === 4) return `${address.split(".").slice(0, 3).join(".")}.0/24`;
  if (isIP(address) === 6) {
    const [head = "", tail] = address.split("::");
    const groups = head.split(":").filter(Boolean);
    const filled = tail === undefined ? groups : [...groups, "0", "0", "0"];
    return `${filled.slice(0, 3).join(":")}::/48`;
  }
  return "unknown network";
}

/**
 * What makes a client "the same" for the new-client e-mail: the browser and system families
 * (not their versions, which change with every update) and the network. A laptop that moves
 * from the office to home is a new client, on purpose: that is what its owner should see.
 */
export function clientKeyOf(userAgent: string | null | undefined, ip: string | null | undefined): string {
  const { browser, os } = new UAParser(userAgent ?? "").getResult();
  return `${browser.name ?? "unknown browser"} on ${os.name ?? "unknown system"} from ${networkOf(ip)}`;
}
