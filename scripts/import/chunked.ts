/**
 * Importing through the admin function, one chunk of rows per call (a Cloudbase function call
 * carries a few MB and runs for a limited time). All-or-nothing validation across the file:
 * every chunk is first sent as a dry run; only when no row is bad (or skipBad) are the chunks
 * sent again for real. Rows with the same key in different chunks are caught here, before any
 * call, because the function only sees one chunk.
 */
import {
  DomainError,
  findDuplicateRows,
  isErrorCode,
  mergeReports,
  parseImportRow,
  type ImportKind,
  type ImportReport,
  type Parsed,
  type Result,
  type SheetRow,
} from '@dinghuo/shared';

export type AdminCall = (input: {
  kind: ImportKind;
  rows: SheetRow[];
  dryRun: boolean;
  skipBad: boolean;
  file: string;
}) => Promise<Result<unknown>>;

export interface ChunkedOptions {
  dryRun: boolean;
  skipBad: boolean;
  file: string;
  chunkSize?: number;
  onChunk?: (phase: 'check' | 'write', done: number, total: number) => void;
}

function unwrap(r: Result<unknown>): ImportReport {
  if (r.ok) return r.data as ImportReport;
  const report = (r.error.details as { report?: ImportReport } | undefined)?.report;
  if (r.error.code === 'IMPORT_INVALID' && report) return report;
  // The function's typed error, as it answered it (the CLI prints the Chinese message).
  if (isErrorCode(r.error.code)) throw new DomainError(r.error.code, r.error.message, r.error.details);
  throw Object.assign(new Error(`${String(r.error.code)}: ${r.error.message}`), { code: r.error.code });
}

export async function importViaFunction(
  call: AdminCall,
  kind: ImportKind,
  rows: readonly SheetRow[],
  opts: ChunkedOptions,
): Promise<ImportReport> {
  const size = opts.chunkSize ?? 500;
  // Duplicates across chunks: drop the later rows before sending, report them as bad.
  const parsed: Parsed<ImportKind>[] = [];
  for (const r of rows) {
    const p = parseImportRow(kind, r);
    if (p.ok) parsed.push({ row: p.row, value: p.value });
  }
  const dups = findDuplicateRows(kind, parsed);
  const dupRows = new Set(dups.map((d) => d.row));
  const send = rows.filter((r) => !dupRows.has(r.row));
  const chunks: SheetRow[][] = [];
  for (let i = 0; i < send.length; i += size) chunks.push(send.slice(i, i + size));

  const withDups = (r: ImportReport): ImportReport =>
    dups.length === 0
      ? r
      : { ...r, rows: r.rows + dups.length, bad: [...r.bad, ...dups].sort((a, b) => a.row - b.row), skipped: r.skipped + (opts.skipBad ? dups.length : 0) };

  const checks: ImportReport[] = [];
  for (const [i, chunk] of chunks.entries()) {
    checks.push(unwrap(await call({ kind, rows: chunk, dryRun: true, skipBad: opts.skipBad, file: opts.file })));
    opts.onChunk?.('check', i + 1, chunks.length);
  }
  const checked = withDups(checks.length ? mergeReports(checks) : emptyReport(kind, true));
  if (opts.dryRun || (checked.bad.length > 0 && !opts.skipBad)) return { ...checked, dryRun: opts.dryRun, written: false };

  const written: ImportReport[] = [];
  for (const [i, chunk] of chunks.entries()) {
    written.push(unwrap(await call({ kind, rows: chunk, dryRun: false, skipBad: opts.skipBad, file: opts.file })));
    opts.onChunk?.('write', i + 1, chunks.length);
  }
  return withDups(written.length ? mergeReports(written) : emptyReport(kind, false));
}

function emptyReport(kind: ImportKind, dryRun: boolean): ImportReport {
  return {
    kind,
    dryRun,
    written: !dryRun,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    bad: [],
    warnings: [],
    related: { categories: [], products: [], levels: [], staff: [], priceLists: [] },
    writes: 0,
  };
}
