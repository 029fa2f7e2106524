import { openSqliteStore } from "../../src/store/mod.ts";
import { runKeyStoreConformance } from "./key_conformance.ts";

runKeyStoreConformance("sqlite (memory)", () => openSqliteStore({ path: ":memory:" }));

const dir = Deno.makeTempDirSync({ prefix: "ongoingai-keys-" });
let n = 0;
runKeyStoreConformance("sqlite (file)", () => openSqliteStore({ path: `${dir}/keys-${n++}.db` }));
