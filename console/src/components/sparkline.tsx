/** A small inline line chart of counts (e.g. a key's authentications per hour); its label says what it shows. */
export function Sparkline({ values, label, width = 96, height = 24, tone = 'good' }: { values: readonly number[]; label: string; width?: number; height?: number; tone?: 'good' | 'bad' }) {
  if (values.length === 0) return <span class="muted">—</span>;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((value, index) => `${(index * step).toFixed(1)},${(height - 1 - (value / max) * (height - 2)).toFixed(1)}`).join(' ');
  return (
    <svg class={`sparkline sparkline-${tone}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      <polyline points={points} fill="none" stroke-width="1.5" />
    </svg>
  );
}
