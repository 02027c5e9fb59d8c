import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';

/**
 * Charts drawn by Chart.js on a canvas: nothing it draws is markup, so the pages' strict
 * Content-Security-Policy (no inline styles from HTML, no inline scripts) holds; it sizes the
 * canvas through the CSSOM, which the policy allows. Only the parts used are registered (the
 * bundle takes what is imported). A canvas is one picture to a screen reader: each has a label
 * saying what it shows, and every figure is also in a table beside it.
 */
Chart.register(BarController, BarElement, CategoryScale, LineController, LineElement, LinearScale, PointElement, Legend, Tooltip);
Chart.defaults.animation = false; // a report is read, not watched; and screenshots are the same each time
Chart.defaults.font.family = 'system-ui, "DejaVu Sans", sans-serif';
Chart.defaults.color = '#111827';
Chart.defaults.maintainAspectRatio = false;

export function ChartCanvas({ config, label, testId }: { config: ChartConfiguration; label: string; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} data-testid={testId} />
    </div>
  );
}
