/** What every instance of the stand-in worker (serve_worker_crash.ts) has counted once ready. */
export const servedByEach = 5;
export const droppedByEach = { queue_full: 2, write_failed: 1, bodies_dropped: 0 };
