import type { Readable } from "node:stream";

/** What the storage kept: its key for the bytes, their SHA-256 (hex) and their size, both computed while they streamed. */
export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
}

/**
 * The port the evidence module keeps its files' bytes behind (decision 0023). The local disk
 * (evidence-disk-storage.client.ts) is the one implementation today; an object store would be
 * another, chosen in evidenceStorageFor, without touching the use cases.
 */
export interface EvidenceStorage {
  /**
   * Streams the content to storage, never holding it whole in memory, and resolves once it is
   * kept in full under a new key the storage chose. When the content stream fails (too large,
   * cut off), nothing is kept and the promise rejects with the stream's error.
   */
  put(content: Readable): Promise<StoredObject>;
  /** The bytes kept under the key, as a stream; rejects with a not_found AppError when none are. */
  get(key: string): Promise<Readable>;
  /** Removes the bytes kept under the key; a key with nothing under it is not an error. */
  delete(key: string): Promise<void>;
}
