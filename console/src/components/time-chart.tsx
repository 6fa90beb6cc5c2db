import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: readonly number[];
  /** CSS colour of the line. */
  color: string;
}

interface TimeChartProps {
  /** What the chart shows, for screen readers and as its caption. */
  title: string;
  /** Bucket starts, ms since the epoch. */
  times: readonly number[];
  series: readonly ChartSeries[];
  height?: number;
}

/** Counts over time, one line per series (uPlot), with the same numbers as a table for those who cannot see it. */
export function TimeChart({ title, times, series, height = 220 }: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (element === null) return undefined;
    const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => [...s.values])];
    const options: uPlot.Options = {
      width: Math.max(240, element.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { size: 48 }],
      series: [{ label: 'time' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: times.length < 60 } }))],
    };
    const chart = new uPlot(options, data, element);
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(240, element.clientWidth), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [times, series, height]);
  const totals = series.map((s) => `${s.label} ${s.values.reduce((a, b) => a + b, 0)}`).join(', ');
  return (
    <figure class="chart">
      <div ref={host} role="img" aria-label={`${title}: ${totals}`} />
      <figcaption>
        {title}: {totals}
      </figcaption>
      <details class="chart-table">
        <summary>Show as a table</summary>
        <div class="table-wrap">
          <table class="data-table compact">
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                {series.map((s) => (
                  <th scope="col" key={s.label} class="num">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {times.map((time, index) => (
                <tr key={time}>
                  <td data-label="Time (UTC)">{new Date(time).toISOString().slice(0, 16).replace('T', ' ')}</td>
                  {series.map((s) => (
                    <td key={s.label} class="num" data-label={s.label}>
                      {s.values[index] ?? 0}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
