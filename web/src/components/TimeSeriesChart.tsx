import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** A CSS colour; defaults cycle through the palette. */
  color?: string;
  /** A second y axis (right) for series of another unit. */
  axis?: 'left' | 'right';
}

export interface TimeSeriesChartProps {
  /** x in seconds since the epoch, then one array per series (null for a gap). */
  data: [number[], ...Array<Array<number | null>>];
  series: ChartSeries[];
  height?: number;
  /** Units of the left and right axes, shown in the axis labels. */
  units?: { left?: string; right?: string };
  /** A band drawn between two series indexes (e.g. a baseline's low and high), 1-based as in `data`. */
  band?: [number, number];
  title: string;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2'];

/**
 * A live time-series chart (uPlot): new data is drawn in place, without recreating the chart, so a
 * stress test's per-second points stream smoothly. Its title is the accessible name of the figure.
 */
export function TimeSeriesChart({ data, series, height = 240, units, band, title }: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = JSON.stringify({ series, units, band, height });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisColor =
      getComputedStyle(document.documentElement).getPropertyValue('--fg-muted').trim() || '#666';
    const grid = { stroke: 'rgba(127,127,127,0.15)' };
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? PALETTE[i % PALETTE.length],
          width: 2,
          scale: s.axis === 'right' ? 'right' : 'y',
          spanGaps: false,
        })),
      ],
      axes: [
        { stroke: axisColor, grid },
        { stroke: axisColor, grid, label: units?.left, scale: 'y' },
        ...(series.some((s) => s.axis === 'right')
          ? [
              {
                stroke: axisColor,
                grid: { show: false },
                side: 1 as const,
                label: units?.right,
                scale: 'right',
              },
            ]
          : []),
      ],
      bands: band ? [{ series: band, fill: 'rgba(37,99,235,0.12)' }] : undefined,
      legend: { live: true },
    };
    chart.current = new uPlot(opts, data as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => chart.current?.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // The chart is rebuilt only when its shape changes; data updates go through setData below.
  }, [shape]);

  useEffect(() => {
    chart.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={box} data-points={data[0].length} />
    </figure>
  );
}
