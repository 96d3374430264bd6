/**
 * Reads a supplier's spreadsheet (CSV or XLSX) with exceljs into header-mapped rows: the one
 * reader of the import CLI (scripts/import/readSheet.ts reads the file from disk and calls this)
 * and of the back office's upload (backoffice importFile, the uploaded bytes).
 *
 * CSV: exceljs's CSV reader (fast-csv underneath), with its value mapping turned off so codes
 * like 00123 and dates stay the text the supplier typed. Files saved by Excel in China are often
 * GB18030 (“ANSI”), not UTF-8: the bytes are decoded first (UTF-8 with or without BOM, UTF-16
 * with BOM, else GB18030) and the text is handed to exceljs. Tab-separated text (Excel's
 * “Unicode 文本”) is recognised by its first line.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { cellText, DomainError, findHeaderRow, toSheetRow, type HeaderMap, type ImportKind, type SheetRow } from '@dinghuo/shared';

export interface SheetRead {
  rows: SheetRow[];
  sheetName: string;
  /** 1-based row number of the header row. */
  headerRow: number;
  /** Headers that matched no known column. */
  ignored: string[];
}

/** Decodes a text file's bytes: BOMs first, then strict UTF-8, else GB18030. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function delimiterOf(text: string): string {
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
  const tabs = firstLine.split('\t').length;
  const commas = firstLine.split(',').length;
  const semis = firstLine.split(';').length;
  if (tabs > commas && tabs > semis) return '\t';
  if (semis > commas) return ';';
  return ',';
}

async function readWorkbook(bytes: Buffer, fileName: string): Promise<ExcelJS.Workbook> {
  const ext = path.extname(fileName).toLowerCase();
  const wb = new ExcelJS.Workbook();
  try {
    if (ext === '.xlsx' || ext === '.xlsm') {
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    } else if (ext === '.csv' || ext === '.txt' || ext === '.tsv') {
      const text = decodeText(bytes);
      await wb.csv.read(Readable.from([text]), {
        sheetName: path.basename(fileName, ext).slice(0, 31) || 'Sheet1',
        map: (value: unknown) => value,
        parserOptions: { delimiter: delimiterOf(text) },
      } as never);
    } else if (ext === '.xls') {
      throw new DomainError('IMPORT_FILE_UNREADABLE', '不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 或 CSV');
    } else {
      throw new DomainError('IMPORT_FILE_UNREADABLE');
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('IMPORT_FILE_UNREADABLE', undefined, { cause: String((e as Error).message ?? e).slice(0, 200) });
  }
  return wb;
}

function rowTexts(ws: ExcelJS.Worksheet): { number: number; cells: string[] }[] {
  const out: { number: number; cells: string[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, number) => {
    const values = row.values as unknown[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
    out.push({ number, cells });
  });
  return out;
}

function mapSheet(kind: ImportKind, ws: ExcelJS.Worksheet): SheetRead | { reasons: string[] } {
  const rows = rowTexts(ws);
  const found = findHeaderRow(kind, rows.map((r) => r.cells));
  if (found.index < 0) return { reasons: 'reasons' in found ? found.reasons : [] };
  const map: HeaderMap = (found as { map: HeaderMap }).map;
  const out: SheetRow[] = [];
  for (const r of rows.slice(found.index + 1)) {
    const sr = toSheetRow(map, r.cells, r.number);
    if (sr) out.push(sr);
  }
  return { rows: out, sheetName: ws.name, headerRow: rows[found.index]!.number, ignored: map.ignored };
}

/**
 * Reads a file's bytes (the type from its name's extension) and maps its header row. With
 * `sheet`, that worksheet; otherwise the first worksheet whose header row fits the kind.
 */
export async function readSheetBytes(bytes: Buffer, fileName: string, kind: ImportKind, opts: { sheet?: string | undefined } = {}): Promise<SheetRead> {
  const wb = await readWorkbook(bytes, fileName);
  const sheets = opts.sheet ? wb.worksheets.filter((w) => w.name === opts.sheet) : wb.worksheets;
  if (sheets.length === 0) {
    throw new DomainError('IMPORT_FILE_UNREADABLE', opts.sheet ? `找不到工作表「${opts.sheet}」` : '文件里没有工作表');
  }
  let firstReasons: string[] | null = null;
  for (const ws of sheets) {
    const r = mapSheet(kind, ws);
    if ('rows' in r) return r;
    firstReasons ??= r.reasons;
  }
  throw new DomainError('IMPORT_HEADER_INVALID', `导入文件的表头不正确：${(firstReasons ?? []).join('；')}`, {
    reasons: firstReasons ?? [],
  });
}
