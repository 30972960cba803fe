// The pack's manifest and what verify-pack concludes from it (pure; the zip reading and the
// signature check are pack-verify.service.ts's).

export const MANIFEST_FORMAT = "breachdesk-evidence-pack/1";

/** The files of a pack that the manifest cannot list: itself and its signature. */
export const UNLISTED_FILES = ["manifest.json", "manifest.sig"] as const;

/** manifest.json: what was packed, when and by whom, and every other file's SHA-256 and size. */
export interface PackManifest {
  format: string;
  incident: { reference: string; id: string };
  builtAt: string;
  builtBy: string;
  includesPersonalData: boolean;
  /** The audit chain's last entry when the pack was built (its entries up to it are in parts/audit.json). */
  auditHead: { seq: number; hash: string } | null;
  publicKeyFingerprint: string;
  files: { path: string; sha256: string; size: number }[];
}

/** One thing wrong with a pack, naming the file. */
export interface PackProblem {
  file: string;
  problem: string;
}

/** Reads manifest.json's text, or says why it cannot be a manifest. */
export function parseManifest(text: string): PackManifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "is not JSON";
  }
  const m = value as Partial<PackManifest> | null;
  if (!m || m.format !== MANIFEST_FORMAT) return `is not a ${MANIFEST_FORMAT} manifest`;
  const files = Array.isArray(m.files) ? m.files : null;
  const isFile = (f: unknown) => {
    const e = f as { path?: unknown; sha256?: unknown; size?: unknown };
    return typeof e?.path === "string" && typeof e.sha256 === "string" && typeof e.size === "number";
  };
  if (!files?.every(isFile)) return "has no list of files with path, sha256 and size";
  return m as PackManifest;
}

/**
 * Compares the files found in the zip (with the SHA-256 and size of their bytes) with the
 * manifest: each listed file missing is removed, each whose bytes differ is changed, each file
 * present but not listed (other than the manifest and its signature) is added.
 */
export function compareWithManifest(manifest: PackManifest, found: Map<string, { sha256: string; size: number }>): PackProblem[] {
  const problems: PackProblem[] = [];
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    listed.add(entry.path);
    const got = found.get(entry.path);
    if (!got) problems.push({ file: entry.path, problem: "removed: listed in the manifest but not in the pack" });
    else if (got.sha256 !== entry.sha256 || got.size !== entry.size) {
      problems.push({
        file: entry.path,
        problem: `changed: its SHA-256 is ${got.sha256} (${got.size} bytes), the manifest says ${entry.sha256} (${entry.size} bytes)`,
      });
    }
  }
  for (const path of found.keys()) {
    if (!listed.has(path) && !(UNLISTED_FILES as readonly string[]).includes(path)) {
      problems.push({ file: path, problem: "added: in the pack but not in the manifest" });
    }
  }
  return problems;
}
