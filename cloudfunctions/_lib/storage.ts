/**
 * The port through which files (product images) are stored, and its two adapters, shaped like
 * the message sender port (senders.ts):
 * - Local directory (local runtime, tests): files under `<dataDir>/files/`, served by the local
 *   runtime at GET /files/<name>. A fileId is `local:<name>`; its display URL `/files/<name>`
 *   (same origin as the H5 app and the back office).
 * - Cloudbase cloud storage: @cloudbase/node-sdk `uploadFile` → a `cloud://…` fileID. The
 *   mini-program's <Image> shows a cloud:// fileID as it is, so that is the SKU's display URL;
 *   a browser (the back office) gets a temporary https URL from `getTempFileURL`.
 *
 * Names are content hashes, so uploading the same image twice stores it once.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from './data/store';

export interface StoredFile {
  fileId: string;
  bytes: number;
}

export interface FileStorage {
  readonly kind: 'local' | 'cloudbase';
  /** Stores the bytes under a name derived from their hash; returns the fileId. */
  put(bytes: Buffer, ext: string, folder: string): Promise<StoredFile>;
  /** The URL a SKU keeps (shown by the mini-program's catalog and cart). */
  displayUrl(fileId: string): string;
  /** URLs a browser can open now, by fileId (Cloudbase: temporary URLs, one request for all). */
  browserUrls(fileIds: readonly string[]): Promise<Map<string, string>>;
}

export const LOCAL_FILE_PREFIX = 'local:';
const LOCAL_NAME_RE = /^[a-z0-9-]{1,40}\/[a-f0-9]{32}\.(jpg|png|webp)$/;

export function storedName(bytes: Buffer, ext: string, folder: string): string {
  return `${folder}/${crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.${ext}`;
}

/** The local file behind a `/files/<name>` path, or null if the name is not one we store. */
export function localFilePath(dir: string, name: string): string | null {
  if (!LOCAL_NAME_RE.test(name)) return null;
  return path.join(dir, name);
}

export function createLocalStorage(dir: string): FileStorage {
  return {
    kind: 'local',
    async put(bytes, ext, folder) {
      const name = storedName(bytes, ext, folder);
      const file = localFilePath(dir, name);
      if (!file) throw new Error(`bad stored name ${name}`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (!fs.existsSync(file)) {
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, bytes);
        fs.renameSync(tmp, file);
      }
      return { fileId: `${LOCAL_FILE_PREFIX}${name}`, bytes: bytes.length };
    },
    displayUrl(fileId) {
      return fileId.startsWith(LOCAL_FILE_PREFIX) ? `/files/${fileId.slice(LOCAL_FILE_PREFIX.length)}` : fileId;
    },
    async browserUrls(fileIds) {
      return new Map(fileIds.map((id) => [id, this.displayUrl(id)]));
    },
  };
}

interface CloudbaseFileApp {
  uploadFile(opts: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string }>;
  getTempFileURL(opts: { fileList: { fileID: string; maxAge?: number }[] }): Promise<{ fileList: { fileID: string; tempFileURL: string; code?: string }[] }>;
}

let cloudApp: Promise<CloudbaseFileApp> | null = null;

function loadCloudApp(): Promise<CloudbaseFileApp> {
  cloudApp ??= import('@cloudbase/node-sdk').then((m) => {
    const tcb = (m as unknown as { default?: typeof m }).default ?? m;
    return tcb.init({ env: tcb.SYMBOL_CURRENT_ENV as unknown as string }) as unknown as CloudbaseFileApp;
  });
  return cloudApp;
}

/** Temporary URLs from getTempFileURL live this long (seconds). */
export const TEMP_URL_MAX_AGE = 2 * 3600;

export function createCloudbaseStorage(load: () => Promise<CloudbaseFileApp> = loadCloudApp): FileStorage {
  return {
    kind: 'cloudbase',
    async put(bytes, ext, folder) {
      const app = await load();
      const { fileID } = await app.uploadFile({ cloudPath: storedName(bytes, ext, folder), fileContent: bytes });
      return { fileId: fileID, bytes: bytes.length };
    },
    displayUrl(fileId) {
      return fileId;
    },
    async browserUrls(fileIds) {
      const out = new Map<string, string>();
      const cloud = [...new Set(fileIds.filter((id) => id.startsWith('cloud://')))];
      for (const id of fileIds) if (!id.startsWith('cloud://')) out.set(id, id);
      if (cloud.length === 0) return out;
      const app = await load();
      const res = await app.getTempFileURL({ fileList: cloud.map((fileID) => ({ fileID, maxAge: TEMP_URL_MAX_AGE })) });
      for (const f of res.fileList) if (f.tempFileURL) out.set(f.fileID, f.tempFileURL);
      return out;
    },
  };
}

/**
 * The storage for an invocation: the one the local runtime or a test passes in; a local store
 * without one gets a directory under the OS temp dir (never cloud storage from a local store);
 * otherwise Cloudbase cloud storage.
 */
export function storageFor(ctx: { store: Store; storage?: FileStorage | undefined }): FileStorage {
  if (ctx.storage) return ctx.storage;
  if (ctx.store.kind === 'sqlite') return createLocalStorage(path.join(os.tmpdir(), 'dinghuo-files'));
  return createCloudbaseStorage();
}
