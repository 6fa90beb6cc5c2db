const TONES: Record<string, string> = {
  active: 'good',
  allowed: 'good',
  success: 'good',
  valid: 'good',
  disabled: 'muted',
  expired: 'bad',
  denied: 'bad',
  failure: 'bad',
  'expiring soon': 'warn',
  'elevated failures': 'bad',
  high: 'bad',
  medium: 'warn',
  low: 'info',
};

/** A status as a coloured label; the colour only repeats the text (never the only sign). */
export function StatusBadge({ status, title }: { status: string; title?: string }) {
  const text = status.toLowerCase().replace(/_/g, ' ');
  return (
    <span class={`badge badge-${TONES[text] ?? 'info'}`} title={title}>
      {text}
    </span>
  );
}
