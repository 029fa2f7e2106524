import type { ModelPrice } from "../../src/config/schema.ts";

/** A row's token prices, without what the providers' rules add (builtin_billing.ts). */
export function tokenPricesOf(row: ModelPrice | null): ModelPrice | null {
  if (row === null) return null;
  const {
    cache_write_1h: _h,
    per_use: _u,
    service_tiers: _s,
    inference_geo_multipliers: _g,
    ...rest
  } = row;
  return rest;
}
