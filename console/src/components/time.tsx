import { relativeTime, rfc3339Seconds } from '../../../src/contract/relative-time';

/** A time as people read it ("3 min ago"), the exact UTC time in its tooltip and datetime. */
export function RelativeTime({ time, never = 'never' }: { time: string | null | undefined; never?: string }) {
  if (time === null || time === undefined || time === '') return <span class="muted">{never}</span>;
  const exact = rfc3339Seconds(time);
  return (
    <time dateTime={time} title={exact}>
      {relativeTime(time)}
    </time>
  );
}

/** The exact time, RFC 3339 in UTC to the second, and the relative one beside it. */
export function ExactTime({ time, never = 'never' }: { time: string | null | undefined; never?: string }) {
  if (time === null || time === undefined || time === '') return <span class="muted">{never}</span>;
  return (
    <time dateTime={time}>
      {rfc3339Seconds(time)} <span class="muted">({relativeTime(time)})</span>
    </time>
  );
}
