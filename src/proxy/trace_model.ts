/**
 * Which model an exchange's trace records and prices: the adapter decides where its kind names
 * models its own way (`traceModel`: an Azure deployment mapped by the provider's config), else
 * the answer's model, else the request's. The proxy never asks which kind it is.
 */
import type { ProviderAdapter, TraceModel } from "../providers/mod.ts";
import type { ProxyRoute } from "./exchange_context.ts";

export function traceModelOf(
  route: Pick<ProxyRoute, "provider"> & { adapter: Pick<ProviderAdapter, "traceModel"> },
  answerModel: string | null,
  requestModel: string | null,
): TraceModel {
  const decide = route.adapter.traceModel;
  if (decide === undefined) {
    const model = answerModel ?? requestModel;
    return { model, priceId: model, metadata: {} };
  }
  return decide.call(route.adapter, {
    requestModel,
    answerModel,
    deployments: route.provider.deployments,
  });
}
