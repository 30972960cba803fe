import { isIP } from "node:net";
import { z } from "zod";

/** Express's names for address ranges, accepted in a TRUST_PROXY list. */
const PROXY_RANGE_NAMES = ["loopback", "linklocal", "uniquelocal"];

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY in Express's own forms: false, a number of proxies (hops), or the proxies'
 * addresses. `true` is refused: Express would then believe every X-Forwarded-For, so a client
 * could pick its own address and slip past the per-address limits by changing it.
 */
export const trustProxy = z.string().transform((value, ctx): false | number | string[] => {
  const lower = value.toLowerCase();
  if (lower === "false" || lower === "no") return false;
  if (lower === "true" || lower === "yes") {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message:
        "must be the number of proxies in front of Breachdesk (e.g. 1) or their addresses (e.g. 10.0.0.5 or loopback), since true believes any X-Forwarded-For",
    });
    return z.NEVER;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 10) return hops === 0 ? false : hops;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be at most 10 proxies" });
    return z.NEVER;
  }
  const entries = value.split(",").map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (bad.length === 0) return entries;
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: `must be false, the number of proxies (e.g. 1), or a comma-separated list of their addresses or networks (e.g. 10.0.0.5, 10.1.0.0/16, loopback); ${bad.map((b) => JSON.stringify(b)).join(", ")} ${bad.length === 1 ? "is" : "are"} none of these`,
  });
  return z.NEVER;
});
