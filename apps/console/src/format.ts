/** mib renders a MiB amount, switching to GiB from 1024 MiB. */
export function mib(n: number): string {
  return n >= 1024 ? `${Math.round((n / 1024) * 10) / 10} GiB` : `${Math.round(n)} MiB`;
}

/** shortId keeps the first 8 characters of an instance id. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
