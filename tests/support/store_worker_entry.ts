/** A minimal program entry for tests of the worker-backed store (the real one is src/main.ts). */
import { isStoreWorker, runStoreWorker } from "../../src/store/mod.ts";

if (isStoreWorker()) runStoreWorker();
