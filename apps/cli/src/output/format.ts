/** mib renders a MiB amount, switching to GiB from 1024 MiB. */
export function mib(n: number): string {
  return n >= 1024 ? `${round(n / 1024)} GiB` : `${round(n)} MiB`;
}

/** bytes renders a byte count with a binary unit. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : round(v)} ${units[i]}`;
}

/** round keeps at most two decimals and drops trailing zeros. */
export function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** ratio renders "used/total" of a resource with a percentage, e.g. "0.5/4 (13%)". */
export function ratio(used: number, total: number, unit: (n: number) => string = round): string {
  const pct = total > 0 ? Math.round((used / total) * 100) : 0;
  return `${unit(used)}/${unit(total)} (${pct}%)`;
}

/** ago renders how long before `now` an ISO time was, e.g. "3s ago", or "-" when absent. */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

/** shortDigest keeps the algorithm and the first 12 hex digits of a digest. */
export function shortDigest(digest: string): string {
  const [alg, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  return `${alg ? `${alg}:` : ''}${hex.slice(0, 12)}`;
}

/** clip cuts a string to `max` characters, marking the cut with an ellipsis. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
