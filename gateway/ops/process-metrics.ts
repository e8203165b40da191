/**
 * Process basics for `/metrics`, under the names Prometheus client libraries
 * use (Prometheus docs, "Writing client libraries", standard and runtime
 * collectors: `process_*`, and prom-client's `nodejs_*`), so existing
 * dashboards and alerts work unchanged.
 */
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import type { Metric } from './prometheus.js';

/** Samples the process's own state; `close()` stops the event-loop monitor. */
export interface ProcessMetrics {
  collect(): Metric[];
  close(): void;
}

const gauge = (name: string, help: string, value: number): Metric => ({
  name,
  help,
  type: 'gauge',
  samples: [{ value }],
});

// Linux only (/proc); elsewhere the series is left out rather than reported wrong.
function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/** Start sampling the event loop's delay (10 ms resolution) for the process metrics. */
export function processMetrics(): ProcessMetrics {
  const started = Date.now() / 1000 - process.uptime();
  const lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  return {
    collect() {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      const fds = openFds();
      const metrics: Metric[] = [
        {
          name: 'process_cpu_seconds_total',
          help: 'Total user and system CPU time spent in seconds.',
          type: 'counter',
          samples: [{ value: (cpu.user + cpu.system) / 1e6 }],
        },
        {
          name: 'process_cpu_user_seconds_total',
          help: 'Total user CPU time spent in seconds.',
          type: 'counter',
          samples: [{ value: cpu.user / 1e6 }],
        },
        {
          name: 'process_cpu_system_seconds_total',
          help: 'Total system CPU time spent in seconds.',
          type: 'counter',
          samples: [{ value: cpu.system / 1e6 }],
        },
        gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss),
        gauge(
          'process_start_time_seconds',
          'Start time of the process since unix epoch in seconds.',
          started,
        ),
        gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', memory.heapTotal),
        gauge(
          'nodejs_heap_size_used_bytes',
          'Process heap size used from Node.js in bytes.',
          memory.heapUsed,
        ),
        gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', memory.external),
        gauge(
          'nodejs_eventloop_lag_p99_seconds',
          'The 99th percentile of the event loop delay since the last scrape, in seconds.',
          lag.count === 0 ? 0 : lag.percentile(99) / 1e9,
        ),
        {
          name: 'nodejs_version_info',
          help: 'Node.js version info.',
          type: 'gauge',
          samples: [{ labels: { version: process.version }, value: 1 }],
        },
      ];
      if (fds !== undefined) metrics.push(gauge('process_open_fds', 'Number of open file descriptors.', fds));
      lag.reset();
      return metrics;
    },
    close() {
      lag.disable();
    },
  };
}
