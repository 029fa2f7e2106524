/**
 * Streaming measurements of the benchmark client: time to first byte, and how late each paced
 * event arrives. Lateness needs no clock shared between processes: with `d_i = arrival_i -
 * emit_i` (arrival on this process's clock, emit on the stub's, `x_emit_ms`), the offset
 * between the clocks is the same for every event, so `d_i - min(d)` over one stream is how much
 * later event i arrived than the stream's quickest event. The quickest event of each stream is
 * the reference and is not counted. An event at least one interval late was held back: it was
 * not delivered before the next one was due.
 */
import { type Percentiles, percentiles, Samples } from "./stats.ts";

export interface RequestSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface StreamResult {
  streams: number;
  events: number;
  errors: number;
  first_error: string | null;
  ttfb_ms: Percentiles;
  lateness_ms: Percentiles;
  /** Events that arrived a full pacing interval late: not delivered before the next was due. */
  held_back: number;
  held_back_threshold_ms: number;
}

const stampPattern = /"x_emit_ms":([0-9.]+)/;

interface OneStream {
  ttfbMs: number;
  lateness: number[];
}

/** Reads one paced stream; throws when the status or the event count is wrong. */
async function readPaced(req: RequestSpec, expectedEvents: number): Promise<OneStream> {
  const t0 = performance.now();
  const res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body });
  if (res.status !== 200 || res.body === null) {
    await res.body?.cancel();
    throw new Error(`status ${res.status}`);
  }
  const dec = new TextDecoder();
  let buffered = "";
  let ttfbMs = -1;
  const transit: number[] = [];
  for await (const chunk of res.body) {
    const now = performance.now();
    if (ttfbMs < 0) ttfbMs = now - t0;
    buffered += dec.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const m = stampPattern.exec(event);
      if (m === null) continue;
      transit.push(now - Number(m[1]));
    }
  }
  if (transit.length !== expectedEvents) {
    throw new Error(`saw ${transit.length} of ${expectedEvents} paced events`);
  }
  const quickest = Math.min(...transit);
  const lateness = transit.map((d) => d - quickest);
  lateness.splice(transit.indexOf(quickest), 1);
  return { ttfbMs, lateness };
}

class StreamTally {
  ttfb = new Samples();
  lateness = new Samples();
  streams = 0;
  errors = 0;
  firstError: string | null = null;

  add(s: OneStream) {
    this.streams++;
    this.ttfb.push(s.ttfbMs);
    for (const l of s.lateness) this.lateness.push(l);
  }
  fail(err: unknown) {
    this.errors++;
    this.firstError ??= err instanceof Error ? err.message : String(err);
  }
  result(intervalMs: number): StreamResult {
    const threshold = intervalMs;
    let held = 0;
    for (const l of this.lateness.values()) if (l > threshold) held++;
    return {
      streams: this.streams,
      events: this.lateness.length + this.streams,
      errors: this.errors,
      first_error: this.firstError,
      ttfb_ms: percentiles(this.ttfb.values()),
      lateness_ms: percentiles(this.lateness.values()),
      held_back: held,
      held_back_threshold_ms: threshold,
    };
  }
}

export interface StreamSpec {
  req: RequestSpec;
  concurrency: number;
  duration_s: number;
  warmup_s: number;
  chunks: number;
  interval_ms: number;
}

export interface ConcurrentSpec {
  req: RequestSpec;
  streams: number;
  chunks: number;
  interval_ms: number;
}

/** `concurrency` loops of back-to-back streams for the duration, after a discarded warm-up. */
export async function measureStreams(spec: StreamSpec): Promise<StreamResult> {
  const phase = async (seconds: number) => {
    const tally = new StreamTally();
    const end = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: spec.concurrency }, async () => {
      while (performance.now() < end) {
        try {
          tally.add(await readPaced(spec.req, spec.chunks));
        } catch (err) {
          tally.fail(err);
        }
      }
    }));
    return tally;
  };
  if (spec.warmup_s > 0) await phase(spec.warmup_s);
  return (await phase(spec.duration_s)).result(spec.interval_ms);
}

/** `streams` streams opened at once, each read to its end. */
export async function measureConcurrent(
  spec: ConcurrentSpec,
): Promise<StreamResult & { wall_s: number }> {
  const tally = new StreamTally();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: spec.streams }, async () => {
    try {
      tally.add(await readPaced(spec.req, spec.chunks));
    } catch (err) {
      tally.fail(err);
    }
  }));
  const wall_s = Math.round(performance.now() - t0) / 1000;
  return { ...tally.result(spec.interval_ms), wall_s };
}
