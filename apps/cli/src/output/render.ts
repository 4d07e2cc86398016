import Table from 'cli-table3';
import { stringify } from 'yaml';

/** OUTPUT_FORMATS are the values of `-o`: tables for people, json and yaml for scripts. */
export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;

/** OutputFormat is one of OUTPUT_FORMATS. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Cell is what a table cell may hold; null and undefined print as "-". */
export type Cell = string | number | boolean | null | undefined;

/** Column is one table column: its header and how to read its cell from a row. */
export interface Column<T> {
  readonly header: string;
  cell(row: T): Cell;
}

const PLAIN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '   ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

function text(cell: Cell): string {
  return cell === null || cell === undefined || cell === '' ? '-' : String(cell);
}

function trimLines(s: string): string {
  return s
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** table renders rows as borderless, aligned columns under upper-case headers (kubectl's and nomad's look). */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const t = new Table({ ...PLAIN, head: columns.map((c) => c.header.toUpperCase()) });
  for (const row of rows) t.push(columns.map((c) => text(c.cell(row))));
  return `${trimLines(t.toString())}\n`;
}

/** record renders label/value pairs as two aligned columns. */
export function record(pairs: readonly (readonly [string, Cell])[]): string {
  const t = new Table(PLAIN);
  for (const [label, value] of pairs) t.push([`${label}:`, text(value)]);
  return `${trimLines(t.toString())}\n`;
}

/** serialize renders data for scripts: pretty JSON or YAML. */
export function serialize(data: unknown, format: Exclude<OutputFormat, 'table'>): string {
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : stringify(data);
}
