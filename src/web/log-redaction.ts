/** Query parameters whose values may be personal data (a searched name or address). */
const PERSONAL_QUERY_KEYS = new Set(["q", "email", "search"]);

/**
 * A request URL as the request log may keep it: one-time links keep only that there was one
 * (their secret is in the path), and searches keep only that there was one (the text searched
 * for is often a person's name or address).
 */
export function redactUrlForLog(url: string): string {
  const path = url
    .replace(/^\/password\/set\/[^/?#]+/, "/password/set/[token]")
    .replace(/^\/calendar\/[^/?#]+/, "/calendar/[token].ics");
  const question = path.indexOf("?");
  if (question === -1) return path;
  const query = path
    .slice(question + 1)
    .split("&")
    .map((pair) => {
      const key = decodeURIComponentSafe(pair.split("=")[0] ?? "");
      return PERSONAL_QUERY_KEYS.has(key) ? `${key}=[redacted]` : pair;
    })
    .join("&");
  return `${path.slice(0, question)}?${query}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}
