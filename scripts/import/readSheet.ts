/**
 * The import CLI's file reading: the file's bytes from disk, read by the same code as the back
 * office's upload (cloudfunctions/_lib/services/sheetFile.ts).
 */
import fs from 'node:fs';
import { DomainError, type ImportKind } from '@dinghuo/shared';
import { readSheetBytes, type SheetRead } from '../../cloudfunctions/_lib/services/sheetFile';

export { decodeText, readSheetBytes, type SheetRead } from '../../cloudfunctions/_lib/services/sheetFile';

/** Reads the file and maps its header row (see readSheetBytes). */
export async function readSheetFile(file: string, kind: ImportKind, opts: { sheet?: string } = {}): Promise<SheetRead> {
  if (!fs.existsSync(file)) throw new DomainError('IMPORT_FILE_UNREADABLE', `找不到文件：${file}`);
  return readSheetBytes(fs.readFileSync(file), file, kind, opts);
}
