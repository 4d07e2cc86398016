/**
 * Meter is a bar showing `used` of `total` with a caption such as "0.5 / 2 cpus": a load turns red when nearly full,
 * a progress (`progress`) turns green when complete.
 */
export function Meter({
  used,
  total,
  caption,
  progress = false,
}: {
  used: number;
  total: number;
  caption: string;
  progress?: boolean;
}) {
  const pct = total > 0 ? Math.min(100, Math.round((used / total) * 100)) : progress ? 100 : 0;
  const tone = progress ? (pct >= 100 ? ' meter-done' : '') : pct >= 90 ? ' meter-hot' : '';
  return (
    <div className="meter" title={`${pct}%`}>
      <div className="meter-track">
        <div className={`meter-fill${tone}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="meter-caption">{caption}</span>
    </div>
  );
}
