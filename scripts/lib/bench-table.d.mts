export interface TableRow {
  /** The "what" column of the table. */
  what: string;
  value: number;
  baseline: number;
  /** How the baseline is named in the table, e.g. "`skopeo copy dir:→docker://`". */
  baselineName: string;
  /** The goal as the largest ratio allowed. */
  goal: number;
  /** `ms` (default) or `MB`. */
  unit?: 'ms' | 'MB';
  /** How many runs the medians come from, and anything else worth saying next to the figure. */
  note?: string;
  /** value/baseline of each run, both measured back to back; the row's ratio is their median. */
  pairs?: number[];
}
export function ratioOf(r: TableRow): number;
export function ratioCell(r: TableRow): string;
export function tableLine(r: TableRow): string;
export function appendRow(file: string, r: TableRow): void;
export function readRows(file: string): TableRow[];
