/** Shared helpers of the benchmark scripts: the machine description, percentiles, formatting. */
import os from 'node:os';
import { performance } from 'node:perf_hooks';

export interface MachineInfo {
  cpu: string;
  cpus: number;
  memoryGb: number;
  node: string;
  platform: string;
  loadavg: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    // Node flags set for the run (the project's .npmrc sets some for every npm and npx command).
    node: process.version + (process.env.NODE_OPTIONS ? ` (NODE_OPTIONS ${process.env.NODE_OPTIONS.trim()})` : ''),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    date: new Date().toISOString(),
  };
}

export function machineLine(m: MachineInfo = machineInfo()): string {
  return `${m.cpus} × ${m.cpu}, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}, load average ${m.loadavg} at start, ${m.date}`;
}

/** Nearest-rank percentile of unsorted samples (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function ms(value: number, digits = 2): string {
  return `${value.toFixed(digits)} ms`;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** KB below 1 MB, MB from there. */
export function size(bytes: number): string {
  return bytes < 1024 * 1024 ? kb(bytes) : mb(bytes);
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** Times an async function; milliseconds. */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** A Markdown table. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Result of one benchmark: its Markdown section and whether it met its targets. */
export interface BenchReport {
  title: string;
  command: string;
  markdown: string;
  pass: boolean;
  /** Target misses, in words. */
  misses: string[];
  /** Rows of the summary table: what, target, measured, met. */
  summary: [string, string, string, boolean][];
}

export function flag(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

/**
 * A benchmark file run as a script: prints its Markdown, says what missed, and exits 0 when
 * every target is met, 1 when one is missed, 2 when the benchmark itself failed.
 */
export function runAsScript(run: (argv: string[]) => Promise<BenchReport>, missPrefix = 'missed'): void {
  run(process.argv.slice(2)).then(
    (r) => {
      console.log(r.markdown);
      if (!r.pass) console.error(`${missPrefix}: ${r.misses.join('; ')}`);
      process.exit(r.pass ? 0 : 1);
    },
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(2);
    },
  );
}
